"""The one small set of request-value parsers: ids, bounded integers, dates and text without NUL.

Each returns the parsed value or raises ``BadValue`` naming the parameter and what is wrong, so a
face can answer 400 (or a form error) with the reason before the database sees the value.
"""

from datetime import date

MAX_ID = 2**63 - 1  # PostgreSQL bigint: the widest primary key the project uses
MAX_INT = 2**31 - 1  # PostgreSQL integer


class BadValue(ValueError):
    """A request value that cannot be used; the message names the parameter and why."""

    def __init__(self, name: str, value: object, why: str):
        self.name, self.value, self.why = name, value, why
        super().__init__(f"{name}: {why} (got {str(value)[:40]!r})")


def parse_text(value: str, *, name: str, max_length: int | None = None) -> str:
    """The text as given; refused when it holds a NUL byte (PostgreSQL text cannot) or is too long."""
    if "\x00" in value:
        raise BadValue(name, value, "text may not contain a NUL byte")
    if max_length is not None and len(value) > max_length:
        raise BadValue(name, value, f"at most {max_length} characters")
    return value


def parse_int(value: str, *, name: str, low: int = 0, high: int = MAX_INT) -> int:
    """A whole number of ASCII digits (optional leading minus) between ``low`` and ``high``."""
    text = str(value).strip()
    digits = text[1:] if text.startswith("-") else text
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 20:
        raise BadValue(name, value, "a whole number is needed")
    number = int(text)
    if not low <= number <= high:
        raise BadValue(name, value, f"a number from {low} to {high} is needed")
    return number


def parse_id(value: str, *, name: str) -> int:
    """A row id: a positive whole number that fits a primary key."""
    return parse_int(value, name=name, low=1, high=MAX_ID)


def parse_date(value: str, *, name: str) -> date:
    """An ISO date, YYYY-MM-DD."""
    try:
        return date.fromisoformat(parse_text(str(value).strip(), name=name, max_length=10))
    except ValueError:
        raise BadValue(name, value, "a date as YYYY-MM-DD is needed") from None


def contains_nul(value: object) -> bool:
    """Whether a decoded JSON value (or plain text) holds a NUL character anywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(v) for v in value)
    return False
