"""Find sentences and list items that state a dose or a percentage without a citation.

A claim is uncited when its sentence (or its list item) holds a number with a dose unit
(mg, mcg, µg, g, mg/kg, mg/m², IU, units, mL, Gy) or a percentage and no citation marker.
A marker standing alone after the full stop ("... relief. [1]") belongs to the sentence
before it.
"""

from __future__ import annotations

import bisect
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
_LEADING_MARKERS = re.compile(r"(?:\[[^\]]*\][.,;]?\s*)+")


@dataclass(frozen=True)
class UncitedClaim:
    line: int  # 1-based line within the body
    claim: str  # the dose or percentage, as written
    sentence: str


def uncited_claims(body: str, markers: list[Marker]) -> Iterator[UncitedClaim]:
    """Yield each sentence or list item with a dose or percentage and no marker in it.

    Sentences are read within a paragraph or list item, across wrapped lines, so a marker at
    the end of a sentence that spans two lines still covers the claim on the first line.
    """
    # Sorted marker offsets and line starts: each sentence is placed by bisection, not by a scan of the
    # whole body, so a body with 10,000 cited sentences is checked in O(n log n).
    marker_starts = sorted(m.start for m in markers)
    line_starts = [0, *(match.end() for match in re.finditer(r"\n", body))]
    for block_start, block_end in _blocks(body):
        block = body[block_start:block_end]
        for start, end in _sentences(block):
            sentence = block[start:end]
            claim = CLAIM.search(sentence)
            if claim is None:
                continue
            lo, hi = block_start + start, block_start + end
            if bisect.bisect_left(marker_starts, hi) > bisect.bisect_left(marker_starts, lo):
                continue
            line = bisect.bisect_right(line_starts, lo + claim.start())
            yield UncitedClaim(line, claim.group(0), _excerpt(" ".join(sentence.split())))


_ITEM_START = re.compile(r"^\s*(?:[-*+\u2022]|[0-9]+[.)])\s+")
_HEADING = re.compile(r"^\s*#")


def _blocks(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of each paragraph, list item and heading of a Markdown body."""
    offset, block_start, previous_end = 0, None, 0
    for line in body.split("\n"):
        line_end = offset + len(line)
        breaks = not line.strip() or _ITEM_START.match(line) or _HEADING.match(line)
        if breaks and block_start is not None:
            yield block_start, previous_end
            block_start = None
        if line.strip():
            if _HEADING.match(line):
                yield offset, line_end
            elif block_start is None:
                block_start = offset
        previous_end, offset = line_end, line_end + 1
    if block_start is not None:
        yield block_start, previous_end


def _sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans of a block; markers that open a span belong to the sentence before it."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(line)))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        leading = _LEADING_MARKERS.match(line, start)
        if merged and leading and leading.end() > start:
            merged[-1] = (merged[-1][0], leading.end())
            start = leading.end()
            if not line[start:end].strip():
                continue
        merged.append((start, end))
    return merged


def _excerpt(sentence: str, limit: int = 80) -> str:
    text = re.sub(r"^\s*(?:[-*+]|[0-9]+[.)])\s+", "", sentence).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
