"""Find sentences and list items that state a number-backed claim without a citation.

A claim is uncited when its sentence (or its list item) states one of these and carries no
citation marker: a dose (mg, mcg, µg, g, mg/kg, mg/m², IU, units, mL, Gy); a percentage
(also "up to N%", "N percent", success rates); a count of patients or procedures ("75,000
patients", "over 300 operations"); a rate ("1 in 4", "3 out of 10"); a relative effect ("3 times
higher", "twice as likely", "halves the risk"); a hazard, odds or risk ratio; an NNT or NNH;
a survival time ("median survival of 14 months", "5-year survival"); or a p-value. A marker
standing alone after the full stop ("... relief. [1]") belongs to the sentence before it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from articles.citations import Marker

_NUMBER = r"[0-9]+(?:[.,][0-9]+)?(?:\s*[-\u2013]\s*[0-9]+(?:[.,][0-9]+)?)?"
_UNIT = (
    r"(?:mg/m²|mg/m2|mg/kg|mcg/kg|µg/kg|μg/kg|mg|mcg|µg|μg|g|IU|international units|units?|mL|ml"
    r"|Gy|cGy)"
)
_COUNT = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+"
_PEOPLE = (
    r"(?:patients|people|persons|participants|subjects|cases|procedures|operations|surgeries"
    r"|treatments|injections|implants|women|men|children|adults|clients)"
)
_CLAIM_KINDS = (
    rf"{_NUMBER}\s*{_UNIT}(?![^\W\d_])",
    rf"{_NUMBER}\s*(?:%|percent\b|per cent\b)",
    rf"(?:{_COUNT})\+?\s+(?:[a-z-]+\s+)?{_PEOPLE}\b",
    r"[0-9]+\s+(?:in|out of)\s+(?:every\s+)?[0-9]+\b",
    r"[0-9]+(?:\.[0-9]+)?\s*(?:\u00d7|x|-fold|\s+times)\s+(?:higher|lower|more|less|greater|fewer|the\s|as\s)",
    r"(?i:twice|three times|half) as (?:likely|many|much|often|high)",
    r"(?i:halv|doubl|tripl|quadrupl)(?:es|ed|ing)\s+(?:the\s+|their\s+|your\s+)?(?:risk|rate|chance|odds|mortality|survival|incidence)",
    r"(?:(?i:hazard ratio|odds ratio|relative risk|risk ratio)|\b(?:a?HR|a?OR|RR)\b)"
    r"\s*(?:[:=,(]|of|was|is)?\s*[0-9]+(?:\.[0-9]+)?",
    r"(?:\b(?:NNT|NNH)\b|(?i:number needed to (?:treat|harm)))[^.;]{0,30}?[0-9]+",
    r"(?i:survival)\s+(?:time\s+)?(?:of|was|is|was about|reached)\s+[0-9]+(?:\.[0-9]+)?"
    r"\s*(?i:months?|years?|weeks?|days?)",
    r"[0-9]+-(?i:year|month)\s+(?i:survival|mortality)",
    r"\b[pP]\s*(?:[<=>\u2264\u2265])\s*0?\.[0-9]+",
)
CLAIM = re.compile(r"(?<![\w.])(?:" + "|".join(_CLAIM_KINDS) + ")")
# A sentence ends at . ! ? followed by space and a capital letter, a digit or a marker.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\[])")
_LEADING_MARKERS = re.compile(r"(?:\[[^\]]*\][.,;]?\s*)+")


@dataclass(frozen=True)
class UncitedClaim:
    line: int  # 1-based line within the body
    claim: str  # the dose or percentage, as written
    sentence: str


class MarkerIndex:
    """The markers of a body by offset, so each sentence finds its markers in log time."""

    def __init__(self, markers: list[Marker]):
        self._markers = sorted(markers, key=lambda m: m.start)
        self._starts = [m.start for m in self._markers]

    def within(self, lo: int, hi: int) -> list[Marker]:
        """The markers that start in ``[lo, hi)``."""
        return self._markers[bisect.bisect_left(self._starts, lo) : bisect.bisect_left(self._starts, hi)]

    def any_within(self, lo: int, hi: int) -> bool:
        return bisect.bisect_left(self._starts, lo) < bisect.bisect_left(self._starts, hi)


def uncited_claims(body: str, markers: list[Marker]) -> Iterator[UncitedClaim]:
    """Yield each sentence or list item with a claim and no marker in it.

    Sentences are read within a paragraph or list item, across wrapped lines, so a marker at
    the end of a sentence that spans two lines still covers the claim on the first line.
    """
    index = MarkerIndex(markers)
    # Line starts, so each claim's line is found by bisection, not by counting from the top.
    line_starts = [0, *(match.end() for match in re.finditer(r"\n", body))]
    for lo, hi in sentence_spans(body):
        sentence = body[lo:hi]
        claim = first_claim(sentence)
        if claim is None or index.any_within(lo, hi):
            continue
        line = bisect.bisect_right(line_starts, lo + claim.start())
        yield UncitedClaim(line, claim.group(0), excerpt(sentence))


# "Type 2 diabetes patients", "stage 3 cases": the number names a kind, it counts nothing.
_LABEL_BEFORE = re.compile(r"(?i:\b(?:type|stage|grade|phase|class|level|group|arm|table|figure|day|week))\s*$")


def first_claim(sentence: str) -> re.Match[str] | None:
    """The first claim in a sentence that needs a source, or None."""
    for claim in CLAIM.finditer(sentence):
        if not _LABEL_BEFORE.search(sentence[: claim.start()]):
            return claim
    return None


@functools.lru_cache(maxsize=4)
def sentence_spans(body: str) -> tuple[tuple[int, int], ...]:
    """(start, end) offsets in ``body`` of each sentence, within paragraphs and list items.

    Cached: the claim, animal-evidence and promotion rules all read one article's sentences."""
    return tuple(
        (block_start + start, block_start + end)
        for block_start, block_end in _blocks(body)
        for start, end in _sentences(body[block_start:block_end])
    )


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


def excerpt(sentence: str, limit: int = 80) -> str:
    """The sentence on one line, without its list bullet, cut to ``limit`` characters."""
    sentence = " ".join(sentence.split())
    text = re.sub(r"^\s*(?:[-*+]|[0-9]+[.)])\s+", "", sentence).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"
