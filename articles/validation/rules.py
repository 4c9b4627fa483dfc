"""The reference and citation rules: each has a stable id, a severity and a check function.

A check takes the ``Context`` of one article (its body's markers, its references as dicts,
the check year and what a resolver said) and yields ``Finding``s whose message names the
reference number or the marker and the file line. Rules are pure: no database, no network.
"""

from __future__ import annotations

import bisect
import math
import re

from rapidfuzz import fuzz

from articles.validation import claim_support, claims, identifier_labels, identifiers, metadata, promotion, readability
from articles.validation.base import ERROR, INFO, WARNING, Context, Rule, _at
from articles.validation.identifiers import IDENTIFIER_FIELDS, WORK_IDENTIFIERS
from articles.validation.titles import normalize_title

# Two titles at or above this rapidfuzz ratio (after normalisation) are the same title.
DUPLICATE_TITLE_SIMILARITY = 95
# A resolver title below this ratio is a different work (REFERENCES.md §7: acute/chronic is 89).
METADATA_TITLE_SIMILARITY = metadata.SAME_VALUE_SIMILARITY
EARLIEST_YEAR = 1800


# --- citations against the list ----------------------------------------------------------


def references_missing(ctx: Context):
    """The body has text but the article has no references."""
    if ctx.references or not ctx.body.strip():
        return
    cited = [m for m in ctx.markers if m.problem is None]
    line = ctx.marker_line(cited[0]) if cited else ctx.body_line
    also = f"; its body has {len(cited)} citation markers" if cited else ""
    yield None, line, f"The article has text but no references{also}{_at(line)}"


def citation_missing_reference(ctx: Context):
    """A marker cites a number that has no reference (quiet when there is no list at all:
    references-missing already says so once, instead of once per marker)."""
    if not ctx.references:
        return
    known = ctx.numbers()
    for marker in ctx.markers:
        if marker.problem:
            continue
        line = ctx.marker_line(marker)
        for number in dict.fromkeys(marker.numbers):
            if number not in known:
                message = f"Marker {marker.text} on line {line} cites reference {number}, "
                yield number, line, message + f"which is not in the list of {len(known)}"


def citation_range_invalid(ctx: Context):
    """A marker range is reversed or absurd."""
    for marker in ctx.markers:
        if marker.problem:
            line = ctx.marker_line(marker)
            yield None, line, f"Marker {marker.text} on line {line}: {marker.problem}"


def reference_uncited(ctx: Context):
    """A reference is never cited."""
    cited = {n for m in ctx.markers if not m.problem for n in m.numbers}
    for ref in ctx.references:
        if ref["number"] not in cited:
            line = ctx.ref_line(ref["number"])
            yield ref["number"], line, f"Reference {ref['number']}{_at(line)} is never cited"


def citation_order(ctx: Context):
    """References are not numbered in the order of their first citation."""
    known = ctx.numbers()
    first: dict[int, int] = {}
    for index, marker in enumerate(ctx.markers):
        for number in marker.numbers if not marker.problem else ():
            if number in known:
                first.setdefault(number, index)
    for number, index in first.items():
        later = [m for m, i in first.items() if m < number and i > index]
        if later:
            marker = ctx.markers[index]
            line = ctx.marker_line(marker)
            yield (
                number,
                line,
                f"Reference {number} is first cited on line {line} ({marker.text}), "
                f"before reference {min(later)}: number references in order of first citation",
            )


# --- the references themselves -----------------------------------------------------------


def reference_incomplete(ctx: Context):
    """Title, source or year is missing."""
    for ref in ctx.references:
        missing = [name for name in ("title", "source", "year") if not ref.get(name)]
        if missing:
            line = ctx.ref_line(ref["number"])
            yield (
                ref["number"],
                line,
                (f"Reference {ref['number']}{_at(line)} has no {' or '.join(missing)}"),
            )


def year_invalid(ctx: Context):
    """The year is after the check year or before 1800."""
    for ref in ctx.references:
        year = ref.get("year")
        if year and not EARLIEST_YEAR <= year <= ctx.year:
            line = ctx.ref_line(ref["number"])
            yield (
                ref["number"],
                line,
                (f"Reference {ref['number']}{_at(line)} has year {year}, outside {EARLIEST_YEAR}-{ctx.year}"),
            )


def identifier_invalid(ctx: Context):
    """A DOI, PMID, PMCID, ISBN, ISSN or URL is malformed or fails its checksum."""
    for ref in ctx.references:
        for name in IDENTIFIER_FIELDS:
            value = ref.get(name) or ""
            if not value:
                continue
            try:
                identifiers.NORMALIZERS[name](value)
            except identifiers.IdentifierError as exc:
                line = ctx.ref_line(ref["number"])
                yield ref["number"], line, f"Reference {ref['number']}{_at(line)}: {exc}"


def reference_duplicate(ctx: Context):
    """Two references share an identifier, or the same normalised title and year."""
    seen: dict[tuple[str, str], int] = {}
    titles = _TitleBlocks()
    for ref in ctx.references:
        number, line = ref["number"], ctx.ref_line(ref["number"])
        reason = None
        for name in WORK_IDENTIFIERS:
            value = _identifier_key(name, ref.get(name) or "")
            if value and (name, value) in seen and reason is None:
                reason = f"reference {seen[(name, value)]} (same {name.upper()} {value})"
            if value:
                seen.setdefault((name, value), number)
        title = normalize_title(ref.get("title") or "")
        if reason is None and title:
            other = titles.first_similar(year=ref.get("year"), title=title)
            if other is not None:
                reason = f"reference {other} (same title and year)"
        titles.add(year=ref.get("year"), title=title, number=number)
        if reason:
            yield number, line, f"Reference {number}{_at(line)} duplicates {reason}"


class _TitleBlocks:
    """Earlier references' normalised titles, blocked so each title meets only its possible duplicates.

    Two titles can only reach DUPLICATE_TITLE_SIMILARITY if they share the year and the numbers in
    them ("Part 1" and "Part 2" of a series are near-identical titles but distinct works), and if
    their lengths are close: rapidfuzz's ratio is 100 * (1 - indel distance / (len a + len b)), and
    the distance is at least the difference in length. So titles are kept per (year, numbers) block,
    sorted by length, and compared only within that length window: the same findings as comparing
    every pair, in O(n log n) for any realistic reference list.
    """

    _SLACK = (100 - DUPLICATE_TITLE_SIMILARITY) / 100

    def __init__(self) -> None:
        self._blocks: dict[tuple, list[tuple[int, int, int, str]]] = {}
        self._order = 0

    def add(self, *, year, title: str, number: int) -> None:
        block = self._blocks.setdefault((year, tuple(re.findall(r"\d+", title))), [])
        bisect.insort(block, (len(title), self._order, number, title))
        self._order += 1

    def first_similar(self, *, year, title: str) -> int | None:
        """The number of the earliest added title similar enough to be the same, or None."""
        block = self._blocks.get((year, tuple(re.findall(r"\d+", title))))
        if not block:
            return None
        size = len(title)
        low = math.floor(size * (1 - self._SLACK) / (1 + self._SLACK)) - 1
        high = math.ceil(size * (1 + self._SLACK) / (1 - self._SLACK)) + 1
        start, stop = bisect.bisect_left(block, (low,)), bisect.bisect_right(block, (high, math.inf))
        matches = [
            (order, number)
            for _size, order, number, other in block[start:stop]
            if fuzz.ratio(title, other, score_cutoff=DUPLICATE_TITLE_SIMILARITY)
        ]
        return min(matches)[1] if matches else None


def _identifier_key(name: str, value: str) -> str:
    try:
        return identifiers.NORMALIZERS[name](value) if value else ""
    except identifiers.IdentifierError:
        return value.strip().lower()


_ANIMAL_WORDS = re.compile(
    r"\b(veterinary|canine|dogs?|murine|mice|mouse|rats?|rodents?|porcine|piglets?|feline"
    r"|equine|ovine|bovine|sheep|rabbits?|primates?|macaques?|zebrafish|animal models?)\b",
    re.IGNORECASE,
)


def evidence_animal(ctx: Context):
    """The reference is an animal or veterinary study (kind, or words in title or source)."""
    for ref in ctx.references:
        words = _ANIMAL_WORDS.search(f"{ref.get('title') or ''} {ref.get('source') or ''}")
        if ref.get("kind") == "animal_study" or words:
            why = f'"{words.group(0)}"' if words else "its kind"
            line = ctx.ref_line(ref["number"])
            yield (
                ref["number"],
                line,
                (
                    f"Reference {ref['number']}{_at(line)} is an animal or veterinary study "
                    f"({why}); check that it is not the only support for a claim about people"
                ),
            )


def reference_outdated(ctx: Context):
    """Check year minus publication year exceeds the limit for the reference's kind."""
    for ref in ctx.references:
        year = ref.get("year")
        guideline = ref.get("kind") in ("guideline", "systematic_review")
        limit = ctx.max_age_guideline if guideline else ctx.max_age_other
        if year and year <= ctx.year and ctx.year - year > limit:
            line = ctx.ref_line(ref["number"])
            kind = "guideline or systematic review" if guideline else "reference"
            yield (
                ref["number"],
                line,
                (
                    f"Reference {ref['number']}{_at(line)} is from {year}, {ctx.year - year} years "
                    f"old; a {kind} older than {limit} years may be outdated"
                ),
            )


def reference_unverifiable(ctx: Context):
    """A reference has no DOI, PMID, PMCID, ISBN or URL, or a resolver could not check it."""
    for ref in ctx.references:
        line = ctx.ref_line(ref["number"])
        resolution = ctx.resolutions.get(ref["number"])
        if not any(ref.get(name) for name in ("doi", "pmid", "pmcid", "isbn", "url")):
            yield (
                ref["number"],
                line,
                (f"Reference {ref['number']}{_at(line)} has no DOI, PMID, PMCID, ISBN or URL"),
            )
        elif resolution is not None and not resolution.ok and not resolution.not_found:
            yield (
                ref["number"],
                line,
                (f"Reference {ref['number']}{_at(line)} could not be verified: {resolution.reason}"),
            )


def metadata_mismatch(ctx: Context):
    """The registry's title or year for the identifier differs from the entered one."""
    for ref, resolution, line in metadata.answered(ctx):
        entered, found = normalize_title(ref.get("title") or ""), normalize_title(resolution.title)
        if entered and found and not metadata.alike(entered, found, similarity=METADATA_TITLE_SIMILARITY):
            yield metadata.registry_gives(
                ref, resolution, line, f'title "{resolution.title}" for {resolution.identifier}'
            )
        if ref.get("year") and resolution.years and ref["year"] not in resolution.years:
            years = " or ".join(map(str, sorted(set(resolution.years))))
            yield metadata.registry_gives(ref, resolution, line, f"year {years}, not {ref['year']}")


def claim_uncited(ctx: Context):
    """A sentence or list item states a dose or a percentage and carries no marker."""
    for claim in claims.uncited_claims(ctx.body, ctx.markers):
        line = ctx.body_line + claim.line - 1
        yield (
            None,
            line,
            (f'Line {line} states "{claim.claim}" without a citation: "{claim.sentence}"'),
        )


RULES: tuple[Rule, ...] = (
    Rule("references-missing", ERROR, references_missing),
    Rule("citation-missing-reference", ERROR, citation_missing_reference),
    Rule("citation-range-invalid", ERROR, citation_range_invalid),
    Rule("reference-duplicate", ERROR, reference_duplicate),
    Rule("identifier-invalid", ERROR, identifier_invalid),
    Rule("reference-incomplete", ERROR, reference_incomplete),
    Rule("year-invalid", ERROR, year_invalid),
    Rule("reference-uncited", WARNING, reference_uncited),
    Rule("citation-order", WARNING, citation_order),
    Rule("reference-outdated", WARNING, reference_outdated),
    Rule("identifier-mislabelled", WARNING, identifier_labels.identifier_mislabelled),
    Rule("evidence-animal", WARNING, evidence_animal),
    Rule("claim-uncited", WARNING, claim_uncited),
    Rule("claim-animal-only", WARNING, claim_support.claim_animal_only),
    Rule("self-citation", WARNING, claim_support.self_citation),
    Rule("promotional-language", WARNING, promotion.promotional_language),
    Rule("promotional-article", WARNING, promotion.promotional_article),
    Rule("metadata-mismatch", WARNING, metadata_mismatch),
    Rule("readability-grade", WARNING, readability.grade_above_target),
    Rule("readability-long-sentence", WARNING, readability.long_sentences),
    Rule("readability-abbreviation", WARNING, readability.abbreviations_unexplained),
    Rule("readability-jargon", WARNING, readability.jargon_unexplained),
    Rule("reference-unverifiable", INFO, reference_unverifiable),
)
RULES_BY_ID = {rule.id: rule for rule in RULES}
