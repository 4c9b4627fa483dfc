"""Find sentences and list items that state a dose or a percentage without a citation.

A claim is uncited when its sentence (or its list item) holds a number with a dose unit
(mg, mcg, µg, g, mg/kg, mg/m², IU, units, mL, Gy) or a percentage and no citation marker.
A marker standing alone after the full stop ("... relief. [1]") belongs to the sentence
before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from articles.citations import Marker

_NUMBER = r"[0-9]+(?:[.,][0-9]+)?(?:\s*[-\u2013]\s*[0-9]+(?:[.,][0-9]+)?)?"
_UNIT = (
    r"(?:mg/m²|mg/m2|mg/kg|mcg/kg|µg/kg|μg/kg|mg|mcg|µg|μg|g|IU|international units|units?|mL|ml"
    r"|Gy|cGy)"
)
CLAIM = re.compile(rf"(?<![\w.])(?:{_NUMBER}\s*{_UNIT}(?![^\W\d_])|{_NUMBER}\s*%)")
# A sentence ends at . ! ? followed by space and a capital letter, a digit or a marker.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\[])")
_ONLY_MARKERS = re.compile(r"^(?:\[[^\]]*\][.,;]?\s*)+$")


@dataclass(frozen=True)
class UncitedClaim:
    line: int  # 1-based line within the body
    claim: str  # the dose or percentage, as written
    sentence: str


def uncited_claims(body: str, markers: list[Marker]) -> Iterator[UncitedClaim]:
    """Yield each sentence or list item with a dose or percentage and no marker in it."""
    offset = 0
    for number, line in enumerate(body.split("\n"), start=1):
        yield from _line_claims(line, number, offset, markers)
        offset += len(line) + 1


def _line_claims(line: str, number: int, offset: int, markers: list[Marker]):
    spans = _sentences(line)
    for start, end in spans:
        sentence = line[start:end]
        claim = CLAIM.search(sentence)
        if claim is None:
            continue
        lo, hi = offset + start, offset + end
        if any(lo <= m.start < hi for m in markers):
            continue
        yield UncitedClaim(number, claim.group(0), _excerpt(sentence))


def _sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans of one line; a span of markers only joins the sentence before it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(line)))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and _ONLY_MARKERS.match(line[start:end].strip()):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _excerpt(sentence: str, limit: int = 80) -> str:
    text = re.sub(r"^\s*(?:[-*+]|[0-9]+[.)])\s+", "", sentence).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
