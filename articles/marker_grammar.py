"""What every citation-marker style shares: the ``Marker``, the limits and the expansion of a
written list of numbers and ranges ("1, 3-5") into reference numbers, with its problem named.

The styles themselves live in ``articles.citations`` (brackets, superscripts, parentheses,
HTML ``<sup>``) and ``articles.bare_markers`` (bare numbers after a word or punctuation).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Limits for a sane marker. No medical article we know of cites more than a few hundred
# works, and a range wider than 50 is far more likely a typo ("[1-999]") than a real citation.
MAX_REFERENCE_NUMBER = 500
MAX_RANGE_SPAN = 50

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
DASH = f"[{DASHES}]"
# A page locator after a number cites the number only: "6(pp12-14)", "[3, p. 12]".
LOCATOR = rf"(?:\s*\(\s*pp?\.?\s*[0-9]+(?:\s*{DASH}\s*[0-9]+)?\s*\)|\s*,\s*pp?\.?\s*[0-9]+(?:\s*{DASH}\s*[0-9]+)?)"
_LOCATOR_RE = re.compile(LOCATOR)
ITEM_RE = re.compile(rf"(?P<a>[0-9]+)(?:\s*{DASH}\s*(?P<b>[0-9]+))?")
YEAR = re.compile(r"(1[5-9]|20)[0-9]{2}")


@dataclass(frozen=True)
class Marker:
    """One citation marker found in a text; ``line`` is 1-based, offsets index the text."""

    text: str
    numbers: tuple[int, ...]
    line: int
    start: int
    end: int
    problem: str | None = None


class LineIndex:
    """Map text offsets to 1-based line numbers."""

    def __init__(self, text: str):
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)


def marker_at(text: str, start: int, end: int, items: str, lines: LineIndex) -> Marker:
    numbers, problem = expand(items)
    return Marker(text[start:end], numbers, lines.line(start), start, end, problem)


def expand(items: str) -> tuple[tuple[int, ...], str | None]:
    """Expand a marker's list; a faulty list keeps its written numbers and names the problem."""
    written: list[int] = []
    expanded: list[int] = []
    problem = None
    for item in ITEM_RE.finditer(_LOCATOR_RE.sub("", items)):
        a_text, b_text = item.group("a"), item.group("b")
        a = int(a_text)
        b = int(b_text) if b_text is not None else a
        written.extend([a] if b_text is None else [a, b])
        problem = problem or _item_problem(a_text, b_text, a, b)
        if problem is None:
            expanded.extend(range(a, b + 1))
    if problem:
        return tuple(written), problem
    return tuple(expanded), None


def _item_problem(a_text: str, b_text: str | None, a: int, b: int) -> str | None:
    if a == 0 or b == 0:
        return "reference numbers start at 1"
    if a_text.startswith("0") or (b_text or "").startswith("0"):
        return "a reference number has a leading zero"
    if max(a, b) > MAX_REFERENCE_NUMBER:
        return f"reference number {max(a, b)} is over {MAX_REFERENCE_NUMBER}"
    if b < a:
        return f"range {a}-{b} is reversed"
    if b - a + 1 > MAX_RANGE_SPAN:
        return f"range {a}-{b} spans more than {MAX_RANGE_SPAN} references"
    return None
