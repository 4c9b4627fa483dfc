"""Claims whose only support is an animal or laboratory study, and a publisher citing itself.

* ``claim_animal_only``: a sentence whose markers cite only animal, veterinary or in-vitro
  studies. Such a study may be worth citing, but it cannot carry a statement about people
  on its own (REFERENCES.md, "the only support for a human treatment claim being an
  animal-only study"), so the finding names the sentence that rests on it.
* ``self_citation``: a reference whose source is the publisher's own editorial team ("Medical
  Advisory Board & Editors", "Editorial team") listed as a guideline, or standing as the
  article's only evidence. An editorial overview is not an independent source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from articles.validation.claims import MarkerIndex, excerpt, sentence_spans

if TYPE_CHECKING:
    from articles.validation.base import Context

LABORATORY_WORDS = re.compile(
    r"\b(veterinary|canine|dogs?|murine|mice|mouse|rats?|rodents?|porcine|piglets?|feline"
    r"|equine|ovine|bovine|sheep|rabbits?|primates?|macaques?|zebrafish|animal models?"
    r"|in[ -]vitro|cell[ -]lines?|cell cultures?|cultured cells|organoids?)\b",
    re.IGNORECASE,
)
_EDITORIAL_SOURCE = re.compile(
    r"\b(?:medical advisory board|advisory board|editorial (?:board|team|staff)|editors"
    r"|our (?:team|experts|doctors))\b",
    re.IGNORECASE,
)


def laboratory_reason(ref: dict) -> str | None:
    """Why a reference counts as an animal or laboratory study, or None when it does not."""
    words = LABORATORY_WORDS.search(f"{ref.get('title') or ''} {ref.get('source') or ''}")
    if words:
        return f'"{words.group(0)}"'
    return "its kind" if ref.get("kind") == "animal_study" else None


def claim_animal_only(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """A sentence is cited only by animal or in-vitro studies."""
    reasons = {ref["number"]: laboratory_reason(ref) for ref in ctx.references}
    index = MarkerIndex([m for m in ctx.markers if not m.problem])
    for lo, hi in sentence_spans(ctx.body):
        cited = sorted({n for m in index.within(lo, hi) for n in m.numbers})
        if not cited or not all(reasons.get(n) for n in cited):
            continue
        line = ctx.body_line + ctx.body.count("\n", 0, lo)
        refs = ", ".join(f"{n} ({reasons[n]})" for n in cited)
        noun = "reference" if len(cited) == 1 else "references"
        yield (
            cited[0],
            line,
            f'Line {line}: the claim "{excerpt(ctx.body[lo:hi])}" rests only on {noun} {refs}, '
            "an animal or laboratory study; a claim about people needs human evidence",
        )


def self_citation(ctx: Context) -> Iterator[tuple[int | None, int | None, str]]:
    """The publisher's own editorial team is cited as a guideline or as the only evidence."""
    own = {}
    for ref in ctx.references:
        match = _EDITORIAL_SOURCE.search(f"{ref.get('authors') or ''} {ref.get('source') or ''}")
        if match:
            own[ref["number"]] = match.group(0)
    only = bool(own) and len(own) == len(ctx.references)
    for number, phrase in own.items():
        ref = next(r for r in ctx.references if r["number"] == number)
        if ref.get("kind") != "guideline" and not only:
            continue
        line = ctx.ref_line(number)
        at = f" (line {line})" if line else ""
        role = "the article's only evidence" if only else "a guideline"
        yield (
            number,
            line,
            f'Reference {number}{at} cites the publisher\'s own editorial team ("{phrase}") as {role}; '
            "cite the independent source it summarises",
        )
