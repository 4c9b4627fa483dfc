"""The citation-marker grammar of article bodies (REFERENCES.md §3), one for every style.

Brackets and HTML ``<sup>`` are always read; a document may add one other style, which
``detect_style`` chooses from the document itself:

* brackets: ``[1]``, ``[1, 3]``, ``[2-4]``, ``[1,3-5]``, ``[2;4;6]``, ``[2]-[5]`` (a range),
  ``([2]-[4])``, ``[3, p. 12]`` (a page locator cites the number only);
* HTML: ``<sup>7,9</sup>``, ``<sup>[3]</sup>``;
* ``superscript``: Unicode ``³⁴``, ``⁵⁻⁸``, ``²,⁶`` (not exponents such as ``m²`` or ``10⁹``);
* ``parentheses``: ``(7)``, ``(2, 6)``, ``(4-9)`` (not years, list numbering or ``(n)`` after
  "table", "figure", "type" and the like);
* ``bare``: numbers after a word or punctuation, ``… outcomes 1``, ``… outcomes.3,11,12``,
  ``… outcomes 6(pp12-14).`` (see ``articles.bare_markers``).

Any dash may join a range (``DASHES``). Not markers: Markdown links ``[text](url)`` and
``[1](url)``, link definitions ``[1]: url``, footnotes ``[^1]``, wiki links ``[[1]]``,
``[sic]``, ``[n=30]``, ``[12a]`` and a lone year such as ``[2019]``. Bad input never raises: a
reversed, zero or absurd range is returned as a marker whose ``problem`` says what is wrong.
"""

from __future__ import annotations

import bisect
import re

from articles.bare_markers import MAX_BARE_NUMBER, convert_bare_markers, find_bare_markers, numbers_plausible
from articles.marker_grammar import (
    DASH,
    DASHES,
    LOCATOR,
    MAX_RANGE_SPAN,
    MAX_REFERENCE_NUMBER,
    YEAR,
    LineIndex,
    Marker,
    marker_at,
)

__all__ = [
    "DASHES",
    "MAX_BARE_NUMBER",
    "MAX_RANGE_SPAN",
    "MAX_REFERENCE_NUMBER",
    "STYLES",
    "Marker",
    "convert_bare_markers",
    "detect_style",
    "find_citations",
    "find_markers",
    "render_marker",
]

STYLES = ("brackets", "superscript", "parentheses", "bare")

_ITEM = rf"[0-9]+(?:\s*{DASH}\s*[0-9]+)?{LOCATOR}?"
_LIST = rf"{_ITEM}(?:\s*[,;]\s*{_ITEM})*"
_BRACKETS = re.compile(
    rf"(?P<open>\(\s*)?(?:\[\s*(?P<a>[0-9]+)\s*\]\s*{DASH}\s*\[\s*(?P<b>[0-9]+)\s*\]"
    rf"|\[\s*(?P<list>{_LIST})\s*\])(?(open)\s*\))"
)
_HTML_SUP = re.compile(rf"<sup\b[^>]*>\s*\[?\s*(?P<list>{_LIST})\s*\]?\s*</sup>", re.IGNORECASE)

_SUP_DIGITS = "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"
_SUP_TO_ASCII = str.maketrans({**{d: str(i) for i, d in enumerate(_SUP_DIGITS)}, "\u207b": "-"})
_SUPERSCRIPT = re.compile(rf"[{_SUP_DIGITS}]+(?:\s*[\u207b,{DASHES}]\s*[{_SUP_DIGITS}]+)*")
# A superscript after a digit or a unit of length is an exponent: 10⁹/L, mg/m², 4 cm².
_EXPONENT_BEFORE = re.compile(r"(?:[0-9]|(?<![A-Za-z])(?:m|cm|mm|km|dm|nm|µm|μm|ft|in|s))$")

_PAREN_ITEM = rf"[1-9][0-9]{{0,2}}(?:\s*{DASH}\s*[1-9][0-9]{{0,2}})?"
_PARENTHESES = re.compile(rf"\((?P<list>\s*{_PAREN_ITEM}(?:\s*[,;]\s*{_PAREN_ITEM})*\s*)\)(?![\w%])")
_PAREN_LABEL_WORDS = frozenset(
    """
    table tables figure figures fig box step steps type types grade grades stage stages class
    level levels phase phases version part chapter section equation eq item question option
    n no number arm group visit cycle day week month year
    """.split()  # noqa: SIM905
)
_LIST_NUMBERING = re.compile(r"^\s*(?:[-*+\u2022]\s*)?$")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\s*$")


def find_markers(text: str, *, style: str | None = None) -> list[Marker]:
    """Every marker in ``text`` in order: brackets, HTML ``<sup>`` and, when given, one other
    style (one of ``STYLES``). Never raises."""
    if not text:
        return []
    lines = LineIndex(text)
    markers = _bracket_markers(text, lines) + _html_markers(text, lines)
    if style == "superscript":
        markers += _superscript_markers(text, lines)
    elif style == "parentheses":
        markers += _parenthesis_markers(text, lines)
    elif style == "bare":
        markers += find_bare_markers(text, lines=lines)
    return _without_overlaps(markers)


def find_citations(text: str) -> list[Marker]:
    """The markers of ``text`` in the style the document itself uses (``detect_style``)."""
    if not text:
        return []
    lines = LineIndex(text)
    base = _bracket_markers(text, lines) + _html_markers(text, lines)
    _, extra = _detect(text, lines, base)
    return _without_overlaps(base + extra)


def detect_style(text: str) -> str | None:
    """The non-bracket style a document uses, or None: the style with the most markers.

    Superscripts win outright (they are never ordinary prose); parentheses and bare numbers
    need two markers when the document also has brackets, since one stray "(3)" or trailing
    number in a bracketed article is more likely text than a second citation style.
    """
    if not text:
        return None
    lines = LineIndex(text)
    return _detect(text, lines, _bracket_markers(text, lines) + _html_markers(text, lines))[0]


def _detect(text: str, lines: LineIndex, taken: list[Marker]) -> tuple[str | None, list[Marker]]:
    superscripts = _superscript_markers(text, lines)
    if superscripts:
        return "superscript", superscripts
    candidates = {
        "parentheses": _outside(_parenthesis_markers(text, lines), taken),
        "bare": _outside(find_bare_markers(text, lines=lines), taken),
    }
    style = max(candidates, key=lambda name: len(candidates[name]))
    if len(candidates[style]) >= (2 if taken else 1):
        return style, candidates[style]
    return None, []


def render_marker(
    items: list[tuple[int, int]], *, separator: str = ", ", dash: str = "-", style: str = "brackets"
) -> str:
    """Render ``[(a, b), ...]`` items (``a == b`` for a single number) as a marker of ``style``
    (one of ``STYLES`` or ``"html"``); bare markers come with the space that precedes them."""
    parts = [str(a) if a == b else f"{a}{dash}{b}" for a, b in items]
    written = separator.join(parts)
    if style == "superscript":
        table = str.maketrans({**{str(i): d for i, d in enumerate(_SUP_DIGITS)}, **dict.fromkeys(DASHES, "\u207b")})
        return written.replace(" ", "").translate(table)
    if style == "parentheses":
        return f" ({written})"
    if style == "bare":
        return f" {written}"
    if style == "html":
        return f"<sup>{written}</sup>"
    return f"[{written}]"


def _bracket_markers(text: str, lines: LineIndex) -> list[Marker]:
    markers = []
    for match in _BRACKETS.finditer(text):
        if match.group("a"):
            items = f"{match.group('a')}-{match.group('b')}"
        elif _is_excluded(text, match):
            continue
        else:
            items = match.group("list")
        markers.append(marker_at(text, match.start(), match.end(), items, lines))
    return markers


def _is_excluded(text: str, match: re.Match[str]) -> bool:
    """Brackets that the grammar matches but that are links, wiki links or years."""
    start, end = match.start(), match.end()
    after = text[end : end + 1]
    if after == "(" and not match.group("open"):  # Markdown inline link [1](url)
        return True
    if after == ":" and (start == 0 or text[start - 1] == "\n"):  # link definition [1]: url
        return True
    if start > 0 and text[start - 1] == "[" and after == "]":  # wiki link [[1]]
        return True
    if start > 0 and text[start - 1] == "]":  # reference-style link [text][1]
        return True
    return bool(YEAR.fullmatch(match.group("list").strip()))


def _html_markers(text: str, lines: LineIndex) -> list[Marker]:
    if "<sup" not in text and "<SUP" not in text:
        return []
    return [marker_at(text, m.start(), m.end(), m.group("list"), lines) for m in _HTML_SUP.finditer(text)]


def _superscript_markers(text: str, lines: LineIndex) -> list[Marker]:
    markers = []
    for match in _SUPERSCRIPT.finditer(text):
        if _EXPONENT_BEFORE.search(text[max(0, match.start() - 3) : match.start()]):
            continue
        items = match.group(0).translate(_SUP_TO_ASCII)
        markers.append(marker_at(text, match.start(), match.end(), items, lines))
    return markers


def _parenthesis_markers(text: str, lines: LineIndex) -> list[Marker]:
    markers = []
    for match in _PARENTHESES.finditer(text):
        items = match.group("list")
        head = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        word = _WORD_BEFORE.search(head)
        if (
            _LIST_NUMBERING.match(head)  # "(1) Rest the joint" numbers a list
            or head.rstrip()[-1:].isdigit()  # "f(3)", "12 (4)"
            or (word and word.group(1).lower() in _PAREN_LABEL_WORDS)
            or YEAR.fullmatch(items.strip())
            or not numbers_plausible(items)
        ):
            continue
        markers.append(marker_at(text, match.start(), match.end(), items, lines))
    return markers


def _outside(markers: list[Marker], taken: list[Marker]) -> list[Marker]:
    """The markers that overlap none of ``taken``."""
    spans = sorted((t.start, t.end) for t in taken)
    starts = [start for start, _ in spans]
    kept = []
    for marker in markers:
        at = bisect.bisect_left(starts, marker.end)  # spans starting before the marker ends
        if at == 0 or spans[at - 1][1] <= marker.start:
            kept.append(marker)
    return kept


def _without_overlaps(markers: list[Marker]) -> list[Marker]:
    kept: list[Marker] = []
    for marker in sorted(markers, key=lambda m: (m.start, -m.end)):
        if not kept or marker.start >= kept[-1].end:
            kept.append(marker)
    return kept
