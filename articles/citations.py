"""The citation-marker grammar of article bodies (REFERENCES.md §3).

A marker is a bracketed list of reference numbers and ranges::

    [1]   [1, 3]   [2-4]   [1,3-5]   [2;4;6]   [ 7 ]

with any dash in a range: hyphen, en dash, minus sign and their variants (``DASHES``).

Not markers: Markdown links ``[text](url)`` and ``[1](url)``, link definitions ``[1]: url``,
footnotes ``[^1]``, wiki links ``[[1]]``, ``[sic]``, ``[n=30]``, ``[12a]`` and a lone year such
as ``[2019]``. Bad input never raises: a reversed, zero or absurd range is returned as a marker
whose ``problem`` says what is wrong, so the validation engine can report it.

The seed-page import format writes markers as bare trailing numbers ("... outcomes 1");
``convert_bare_markers`` turns those into bracketed markers.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Limits for a sane marker. No medical article we know of cites more than a few hundred
# works, and a range wider than 50 is far more likely a typo ("[1-999]") than a real citation.
MAX_REFERENCE_NUMBER = 500
MAX_RANGE_SPAN = 50
# Bare trailing numbers in page text are riskier than brackets: accept only small ones.
MAX_BARE_NUMBER = 200

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_DASH = f"[{DASHES}]"
_ITEM = rf"[0-9]+(?:\s*{_DASH}\s*[0-9]+)?"
_LIST = rf"{_ITEM}(?:\s*[,;]\s*{_ITEM})*"
_BRACKETED = re.compile(rf"\[\s*(?P<list>{_LIST})\s*\]")
_ITEM_RE = re.compile(rf"(?P<a>[0-9]+)(?:\s*{_DASH}\s*(?P<b>[0-9]+))?")
_YEAR = re.compile(r"(1[5-9]|20)[0-9]{2}")


@dataclass(frozen=True)
class Marker:
    """One citation marker found in a text; ``line`` is 1-based, offsets index the text."""

    text: str
    numbers: tuple[int, ...]
    line: int
    start: int
    end: int
    problem: str | None = None


def find_markers(text: str) -> list[Marker]:
    """Return every citation marker in ``text`` in order of appearance. Never raises."""
    if not text:
        return []
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    markers = []
    for match in _BRACKETED.finditer(text):
        if _is_excluded(text, match):
            continue
        numbers, problem = _expand(match.group("list"))
        line = bisect.bisect_right(line_starts, match.start())
        markers.append(Marker(match.group(0), numbers, line, match.start(), match.end(), problem))
    return markers


def _is_excluded(text: str, match: re.Match[str]) -> bool:
    """Brackets that the grammar matches but that are links, wiki links or years."""
    start, end = match.start(), match.end()
    after = text[end : end + 1]
    if after == "(":  # Markdown inline link [1](url)
        return True
    if after == ":" and (start == 0 or text[start - 1] == "\n"):  # link definition [1]: url
        return True
    if start > 0 and text[start - 1] == "[" and after == "]":  # wiki link [[1]]
        return True
    if start > 0 and text[start - 1] == "]":  # reference-style link [text][1]
        return True
    return bool(_YEAR.fullmatch(match.group("list").strip()))


def _expand(items: str) -> tuple[tuple[int, ...], str | None]:
    """Expand a marker's list; a faulty list keeps its written numbers and names the problem."""
    written: list[int] = []
    expanded: list[int] = []
    problem = None
    for item in _ITEM_RE.finditer(items):
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


def render_marker(items: list[tuple[int, int]], *, separator: str = ", ", dash: str = "-") -> str:
    """Render ``[(a, b), ...]`` items (``a == b`` for a single number) as a bracketed marker."""
    parts = [str(a) if a == b else f"{a}{dash}{b}" for a, b in items]
    return "[" + separator.join(parts) + "]"


# --- bare trailing numbers (seed page format) -------------------------------------------

_BARE_ITEM = rf"[1-9][0-9]{{0,2}}(?:{_DASH}[1-9][0-9]{{0,2}})?"
# A bare list at the end of the line, or closing a sentence that another sentence follows
# ("... outcomes 1. This condition ...").
_BARE_TAIL = re.compile(
    rf"(?P<before>[^\s])(?P<gap>\s+)(?P<list>{_BARE_ITEM}(?:\s*,\s*{_BARE_ITEM})*)"
    r"(?P<after>[.;]?)(?=\s*$|(?<=\.)\s+[A-Z])"
)
# A number after one of these words is a quantity or a name ("age 65", "stage 3", "for 23"),
# not a citation. Plural time units are absent on purpose: "within 3-6 months 1, 8" cites.
_QUANTITY_WORDS = frozenset(
    """
    a an the of to for at by in on from with within after before until than over under
    about around approximately nearly almost least most only every each per and or
    age aged ages stage stages grade grades type types phase phases class level levels
    table tables figure figures fig box step steps version part parts chapter section
    score scores day week month year hour minute
    visit cycle cycles group groups arm arms dose doses page pages pp vol no number
    n p x times total count item items line lines question questions option options
    is are was were be been equals equal
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[.,;]?\s*$")


def convert_bare_markers(line: str) -> str:
    """Turn a bare trailing citation list into a bracketed marker.

    ``"... outcomes 1"`` → ``"... outcomes [1]"``, ``"... relief. 1"`` → ``"... relief. [1]"``,
    ``"... myelopathy 5, 7."`` → ``"... myelopathy [5, 7]."``. Numbers that belong to the
    text stay: quantities after words such as "age", "for" or a month, numbers glued to
    letters or symbols ("T2", "63-80%"), leading list counts ("1. Acute management"), years,
    decreasing ranges and lines that are nothing but a number.
    """
    for match in reversed(list(_BARE_TAIL.finditer(line))):
        if _bare_tail_is_marker(line, match):
            items = [item.strip() for item in match.group("list").split(",")]
            marker = "[" + ", ".join(items) + "]"
            line = line[: match.start("list")] + marker + line[match.end("list") :]
    return line


def _bare_tail_is_marker(line: str, match: re.Match[str]) -> bool:
    head = line[: match.start("gap")]
    if not re.search(r"[A-Za-z]{2}", head):
        return False  # a lone number, or a list count
    if match.group("before") in "-+/=<>\u00b1\u00d7x:(#$%" or match.group("before").isdigit():
        return False  # "grade 2-3 -> 4", "ratio: 3", "(3", "1, 2 3"
    word = _WORD_BEFORE.search(head)
    if word and word.group(1).lower() in _QUANTITY_WORDS and not head.rstrip().endswith("."):
        return False
    for item in _ITEM_RE.finditer(match.group("list")):
        if item.group("b") and int(item.group("b")) <= int(item.group("a")):
            return False  # "3-1": a score, not a citation range
        if int(item.group("b") or item.group("a")) > MAX_BARE_NUMBER:
            return False
    return True
