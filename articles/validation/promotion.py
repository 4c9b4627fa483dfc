"""Advertising language in medical text (issue 13, point 6).

Patient information sells nothing: a reader should be able to weigh a treatment, not be
talked into booking it. These phrases are warnings, each naming the phrase and its sentence:

* superlatives and hype ("world-class", "cutting-edge", "revolutionary", "innovative");
* guarantees ("guaranteed results", "risk-free", "100% safe");
* promises about recovery ("no downtime", "painless", "pain-free procedure");
* calls to act ("book now", "call us today", "contact the clinic to learn more");
* price offers ("no-cost MRI review", "free consultation", "20% off", "special offer");
* testimonials and head counts ("helped more than 75,000 patients", "our patients say");
* comparisons without a source ("safer than", "a safer alternative", "more effective than"),
  which count only in a sentence that cites nothing.

When promotion makes up most of the article (``MOSTLY_PROMOTION`` of its sentences, and at
least ``MIN_PROMOTIONAL_SENTENCES``), one more finding says so.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.validation.claims import MarkerIndex, excerpt, sentence_spans

if TYPE_CHECKING:
    from articles.validation.base import Context

MOSTLY_PROMOTION = 0.4
MIN_PROMOTIONAL_SENTENCES = 3

_PHRASES: tuple[tuple[str, str], ...] = (
    (
        "a superlative",
        r"world[- ]class|best[- ]in[- ]class|cutting[- ]edge|state[- ]of[- ]the[- ]art|revolutionary|innovative"
        r"|groundbreaking|miracle|life[- ]changing|unrivalled|unrivaled|top[- ]rated|#1|number one"
        r"|leading (?:provider|experts?|clinic|centre|center|specialists?)|premier (?:clinic|centre|center|provider)"
        r"|the best (?:care|surgeons?|doctors?|clinic|results|treatment available)",
    ),
    (
        "a guarantee",
        r"guaranteed?|risk[- ]free|100\s?% (?:safe|effective|successful|success)|permanent (?:cure|relief)"
        r"|cures? (?:it )?for good",
    ),
    ("a recovery promise", r"no downtime|minimal downtime|painless|pain[- ]free (?:procedure|surgery|treatment)"),
    (
        "a call to act",
        r"book (?:now|today|online|an appointment|your (?:appointment|consultation))|call (?:us )?(?:now|today)|call us"
        r"|contact us|contact [A-Z][\w.&' -]{0,60}? to learn more|schedule (?:a|your) (?:free )?consultation"
        r"|request (?:a|your) (?:free |no-cost )?(?:consultation|review|appointment)|sign up today|get started today",
    ),
    (
        "a price offer",
        r"no[- ]cost|free (?:consultation|mri|review|screening|evaluation|assessment|second opinion)"
        r"|[0-9]+\s?% off|special offer|limited[- ]time|discount(?:ed)?|financing (?:is )?available|\$[0-9]+",
    ),
    (
        "a testimonial",
        r"helped (?:more than |over )?[0-9][0-9,]* (?:patients|people)|our (?:patients|clients) say"
        r"|(?:happy|satisfied) (?:patients|clients)|testimonials?|success stor(?:y|ies)",
    ),
)
_PROMOTION = re.compile("|".join(f"(?P<p{i}>{pattern})" for i, (_, pattern) in enumerate(_PHRASES)), re.IGNORECASE)
# The words a phrase can start with. The phrase pattern is tried only where a word starts
# with one of these (or with a digit, "#" or "$"), which keeps a 200 KB page fast.
_TRIGGERS = frozenset(
    """
    world best cutting state revolutionary innovative groundbreaking miracle life unrivalled unrivaled
    top number leading premier the guarantee guaranteed risk permanent cure cures no minimal painless
    pain book call contact schedule request sign get free special limited discount discounted
    financing helped our happy satisfied testimonial testimonials success
    """.split()  # noqa: SIM905
)
_WORD = re.compile(r"[#$]?[0-9A-Za-z]+")
_UNSOURCED_COMPARISON = re.compile(
    r"\b(?:safer(?: and [a-z]+)? (?:than|alternative|option)|more effective than|better results than"
    r"|superior (?:to|results))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Promotion:
    line: int  # within the body
    kind: str
    phrase: str
    sentence: str


def promotions(body: str, markers) -> tuple[list[Promotion], int, int]:
    """The promotional phrases of a body, the number of promotional sentences and of sentences."""
    spans = list(sentence_spans(body))
    starts = [lo for lo, _ in spans]
    index = MarkerIndex(markers)
    # One pass of each pattern over the whole body, each hit then placed in its sentence.
    hits: dict[int, list[tuple[int, str, str]]] = {}
    for match in _phrases(body):
        at = bisect.bisect_right(starts, match.start()) - 1
        if at < 0 or match.start() >= spans[at][1]:
            continue  # between sentences: a heading mark or blank line
        kind = _kind(match) if match.re is _PROMOTION else "a comparison without a source"
        if match.re is _UNSOURCED_COMPARISON and index.any_within(*spans[at]):
            continue  # a comparison with a source is not a claim without one
        hits.setdefault(at, []).append((match.start(), kind, match.group(0)))
    found = []
    for at, sentence_hits in sorted(hits.items()):
        lo, hi = spans[at]
        for start, kind, phrase in sorted(sentence_hits):
            found.append(Promotion(body.count("\n", 0, start) + 1, kind, phrase, excerpt(body[lo:hi])))
    return found, len(hits), len(spans)


def _phrases(body: str) -> Iterator[re.Match[str]]:
    end = -1
    for word in _WORD.finditer(body):
        first = word.group(0)
        if word.start() < end or not (first[0] in "#$0123456789" or first.lower() in _TRIGGERS):
            continue
        match = _PROMOTION.match(body, word.start())
        if match and _ends_a_word(body, match.end()):
            end = match.end()
            yield match
    yield from _UNSOURCED_COMPARISON.finditer(body)


def _ends_a_word(body: str, end: int) -> bool:
    return end >= len(body) or not (body[end].isalnum() and body[end - 1].isalnum())


@functools.lru_cache(maxsize=4)
def _promotions_of(body: str, markers: tuple) -> tuple[list[Promotion], int, int]:
    """``promotions`` for the two rules that read them, computed once per article."""
    return promotions(body, list(markers))


def _kind(match: re.Match[str]) -> str:
    return _PHRASES[int(match.lastgroup[1:])][0]


def promotional_language(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """A sentence advertises: hype, guarantees, calls to book, prices, testimonials."""
    found, _, _ = _promotions_of(ctx.body, tuple(ctx.markers))
    for item in found:
        line = ctx.body_line + item.line - 1
        yield None, line, f'Line {line} reads as advertising ({item.kind}): "{item.phrase}" in "{item.sentence}"'


def promotional_article(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """Most of the article's sentences advertise."""
    found, promotional, total = _promotions_of(ctx.body, tuple(ctx.markers))
    if promotional >= MIN_PROMOTIONAL_SENTENCES and promotional >= MOSTLY_PROMOTION * total:
        phrases = ", ".join(dict.fromkeys(f'"{item.phrase}"' for item in found[:5]))
        yield (
            None,
            ctx.body_line,
            f"The article is mostly promotion: {promotional} of its {total} sentences advertise "
            f"({phrases}); patient information should inform, not sell",
        )
