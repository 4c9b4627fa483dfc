"""Bare citation numbers, as page text and manuscripts write them.

Two shapes count: a list after a word at the end of a sentence or line ("... outcomes 1",
"... relief. 1", "... myelopathy 5, 7.") and a list glued to the punctuation that closes a
sentence ("... outcomes.3,11,12"). A number that belongs to the text stays text: quantities
after words such as "age", "for" or a month, numbers glued to letters or symbols ("T2",
"63-80%"), leading list counts ("1. Acute management"), years, decreasing ranges, decimals
and lines that are nothing but a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from articles.marker_grammar import DASH, ITEM_RE, LOCATOR, LineIndex, Marker, marker_at

# Bare numbers are riskier than brackets: accept only small ones.
MAX_BARE_NUMBER = 200

_BARE_ITEM = rf"[1-9][0-9]{{0,2}}(?:{DASH}[1-9][0-9]{{0,2}})?(?:\(\s*pp?\.?\s*[0-9]+(?:{DASH}[0-9]+)?\s*\))?"
_BARE_LIST = rf"{_BARE_ITEM}(?:\s*,\s*{_BARE_ITEM})*"
# A bare list at the end of the line, or closing a sentence that another sentence follows
# ("... outcomes 1. This condition ...").
_BARE_TAIL = re.compile(
    rf"(?P<before>[^\s])(?P<gap>[ \t]+)(?P<list>{_BARE_LIST})"
    r"(?P<after>[.;]?)(?=[ \t]*$|(?<=\.)[ \t]+[A-Z])",
    re.MULTILINE,
)
# A list glued to the full stop (or comma) after a word: "outcomes.3,11,12".
_BARE_GLUED = re.compile(
    rf"(?<=[A-Za-z)\]][.,;])(?P<list>{_BARE_LIST})(?![0-9.,%\w])(?=[ \t]*$|[ \t]+[A-Z(\[])",
    re.MULTILINE,
)
_GLUED_EXCLUDED = re.compile(r"(?:\b(?:fig|figs|no|nos|p|pp|vol|ch|eq|ref|refs|n|vs|e\.g|i\.e|ca|approx)\.)$", re.I)
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
    """Turn bare citation lists into bracketed markers.

    ``"... outcomes 1"`` → ``"... outcomes [1]"``, ``"... relief. 1"`` → ``"... relief. [1]"``,
    ``"... myelopathy 5, 7."`` → ``"... myelopathy [5, 7]."``.
    """
    for start, end, items in reversed(list(_bare_spans(line))):
        marker = "[" + ", ".join(item.strip() for item in items.split(",")) + "]"
        line = line[:start] + marker + line[end:]
    return line


def find_bare_markers(text: str, *, lines: LineIndex | None = None) -> list[Marker]:
    """Every bare citation list in ``text``, as markers whose span is the written numbers."""
    lines = lines or LineIndex(text)
    return [marker_at(text, start, end, items, lines) for start, end, items in _bare_spans(text)]


def _bare_spans(text: str) -> Iterator[tuple[int, int, str]]:
    spans = [
        (m.start("list"), m.end("list"), m.group("list")) for m in _BARE_TAIL.finditer(text) if _tail_is_marker(text, m)
    ]
    spans += [
        (m.start("list"), m.end("list"), m.group("list"))
        for m in _BARE_GLUED.finditer(text)
        if _glued_is_marker(text, m)
    ]
    yield from sorted(spans)


def _line_head(text: str, offset: int) -> str:
    return text[text.rfind("\n", 0, offset) + 1 : offset]


def _tail_is_marker(text: str, match: re.Match[str]) -> bool:
    head = _line_head(text, match.start("gap"))
    if not re.search(r"[A-Za-z]{2}", head):
        return False  # a lone number, or a list count
    if match.group("before") in "-+/=<>\u00b1\u00d7x:(#$%" or match.group("before").isdigit():
        return False  # "grade 2-3 -> 4", "ratio: 3", "(3", "1, 2 3"
    word = _WORD_BEFORE.search(head)
    if word and word.group(1).lower() in _QUANTITY_WORDS and not head.rstrip().endswith("."):
        return False
    return numbers_plausible(match.group("list"))


def _glued_is_marker(text: str, match: re.Match[str]) -> bool:
    head = _line_head(text, match.start("list"))
    if not re.search(r"[A-Za-z]{3}", head) or _GLUED_EXCLUDED.search(head):
        return False
    return numbers_plausible(match.group("list"))


def numbers_plausible(items: str) -> bool:
    for item in ITEM_RE.finditer(re.sub(LOCATOR, "", items)):
        if item.group("b") and int(item.group("b")) <= int(item.group("a")):
            return False  # "3-1": a score, not a citation range
        if int(item.group("b") or item.group("a")) > MAX_BARE_NUMBER:
            return False
    return True
