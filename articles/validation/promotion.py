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

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.validation.claims import excerpt, sentence_spans

if TYPE_CHECKING:
    from articles.validation.rules import Context

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
_PROMOTION = re.compile(
    "|".join(f"(?P<p{i}>\\b(?:{pattern}))" for i, (_, pattern) in enumerate(_PHRASES)), re.IGNORECASE
)
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
    found: list[Promotion] = []
    total = promotional = 0
    for lo, hi in sentence_spans(body):
        sentence = body[lo:hi]
        total += 1
        hits = [(m.start(), _kind(m), m.group(0)) for m in _PROMOTION.finditer(sentence)]
        if not any(lo <= m.start < hi for m in markers):
            hits += [
                (m.start(), "a comparison without a source", m.group(0))
                for m in _UNSOURCED_COMPARISON.finditer(sentence)
            ]
        promotional += bool(hits)
        for start, kind, phrase in sorted(hits):
            line = body.count("\n", 0, lo + start) + 1
            found.append(Promotion(line, kind, phrase, excerpt(sentence)))
    return found, promotional, total


def _kind(match: re.Match[str]) -> str:
    return _PHRASES[int(match.lastgroup[1:])][0]


def promotional_language(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """A sentence advertises: hype, guarantees, calls to book, prices, testimonials."""
    found, _, _ = promotions(ctx.body, ctx.markers)
    for item in found:
        line = ctx.body_line + item.line - 1
        yield None, line, f'Line {line} reads as advertising ({item.kind}): "{item.phrase}" in "{item.sentence}"'


def promotional_article(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """Most of the article's sentences advertise."""
    found, promotional, total = promotions(ctx.body, ctx.markers)
    if promotional >= MIN_PROMOTIONAL_SENTENCES and promotional >= MOSTLY_PROMOTION * total:
        phrases = ", ".join(dict.fromkeys(f'"{item.phrase}"' for item in found[:5]))
        yield (
            None,
            ctx.body_line,
            f"The article is mostly promotion: {promotional} of its {total} sentences advertise "
            f"({phrases}); patient information should inform, not sell",
        )
