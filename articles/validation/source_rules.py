"""Rules on what the registries say about a cited work: its notices, whether it is a preprint,
and source-quality signals. Each is a checkable fact with its evidence in the message.

* ``reference-retracted`` (error): a retraction, partial retraction, withdrawal or removal.
* ``reference-concern`` (error): an expression of concern; an editor-in-chief may acknowledge
  it for the revision with a reason (the gate's override of that finding).
* ``reference-corrected`` (warning): a correction or erratum, named so a reviewer checks it.
* ``reference-preprint`` (warning): a preprint cited for a claim; names the published version.
* ``source-no-issn``, ``source-not-indexed``, ``metadata-author-mismatch``, ``metadata-journal-mismatch``,
  ``doi-unresolved`` (warnings): source-quality signals.

Every notice finding ends with the notice's address, so the report links it.
"""

from __future__ import annotations

import html
import re
import unicodedata

from articles.validation import metadata
from articles.validation import notices as kinds
from articles.validation.base import ERROR, WARNING, Context, Resolution, Rule, _at
from articles.validation.preprints import preprint_server

JOURNAL_SIMILARITY = metadata.SAME_VALUE_SIMILARITY
_STOP_WORDS = {"of", "and", "the", "in", "for", "on", "de", "la", "und"}


def _described(notice: kinds.Notice) -> str:
    article = "an" if notice.label[0] in "aeiou" else "a"
    what = f"{notice.recorded_by} records {article} {notice.label}"
    ident = f" notice {notice.doi}" if notice.doi else (f" in PMID {notice.pmid}" if notice.pmid else "")
    when = f" of {notice.date}" if notice.date else ""
    return f"{what}{ident}{when}" + (f": {notice.url}" if notice.url else "")


def _notice_findings(ctx: Context, wanted: frozenset[str], advice: str):
    for ref, resolution, line in metadata.answered(ctx):
        for notice in resolution.notices:
            if notice.kind in wanted:
                yield ref["number"], line, f"Reference {ref['number']}{_at(line)}{advice}: {_described(notice)}"


def reference_retracted(ctx: Context):
    """A registry records a retraction, partial retraction, withdrawal or removal of the work."""
    yield from _notice_findings(ctx, kinds.WITHDRAWN_KINDS, " has been retracted or withdrawn")
    for ref, resolution, line in metadata.answered(ctx):
        if resolution.retracted and not any(n.kind in kinds.WITHDRAWN_KINDS for n in resolution.notices):
            # A "RETRACTED:" title with no notice recorded anywhere.
            yield (
                ref["number"],
                line,
                (
                    f"Reference {ref['number']}{_at(line)} has been retracted according to {resolution.source} "
                    f'(its title reads "{resolution.title}")'
                ),
            )


def reference_concern(ctx: Context):
    """A registry records an expression of concern about the work."""
    advice = (
        " is under an expression of concern (an editor-in-chief may acknowledge it for this revision with a reason)"
    )
    yield from _notice_findings(ctx, frozenset({kinds.EXPRESSION_OF_CONCERN}), advice)


def reference_corrected(ctx: Context):
    """A registry records a correction or erratum: the reviewer checks the corrected figures."""
    advice = " has been corrected (check the cited figures against the correction)"
    yield from _notice_findings(ctx, frozenset({kinds.CORRECTION}), advice)


def reference_preprint(ctx: Context):
    """A cited work is a preprint (Crossref type posted-content, or a preprint server's DOI prefix)."""
    for ref in ctx.references:
        resolution = ctx.resolutions.get(ref["number"])
        resolution = resolution if resolution is not None and resolution.ok else None
        server = preprint_server(doi=ref.get("doi") or "")
        if not server and (resolution is None or resolution.work_type != "posted-content"):
            continue
        line = ctx.ref_line(ref["number"])
        where = f" on {server}" if server else ""
        cited = _first_citation_line(ctx, ref["number"])
        claim = f" cited for a clinical claim on line {cited}" if cited else ""
        message = f"Reference {ref['number']}{_at(line)} is a preprint{where}, not peer reviewed,{claim}"
        published = resolution.published_version if resolution else ""
        if published:
            message += (
                f"; it was published as {published} (https://doi.org/{published}): "
                "swap the reference for the published version in a new revision"
            )
        yield ref["number"], line, message


_PUBLISHED_AS = re.compile(r"; it was published as (?P<doi>\S+) \(https://doi\.org/(?P=doi)\): swap the reference")


def published_version_named(finding: dict) -> str:
    """The published version's DOI a stored ``reference-preprint`` finding names, or "" when it names none."""
    if finding.get("rule") != "reference-preprint":
        return ""
    match = _PUBLISHED_AS.search(finding.get("message") or "")
    return match.group("doi") if match else ""


def published_versions(findings: list[dict]) -> dict[int, str]:
    """Reference number → the published DOI its preprint finding names (the swaps a report offers)."""
    offers: dict[int, str] = {}
    for finding in findings:
        doi = published_version_named(finding)
        if doi and finding.get("reference") is not None:
            offers.setdefault(int(finding["reference"]), doi)
    return offers


def _first_citation_line(ctx: Context, number: int) -> int | None:
    for marker in ctx.markers:
        if not marker.problem and number in marker.numbers:
            return ctx.marker_line(marker)
    return None


def source_no_issn(ctx: Context):
    """Crossref records the work as a journal article but lists no ISSN for its journal."""
    for ref, resolution, line in metadata.answered(ctx):
        if resolution.source == "Crossref" and resolution.work_type == "journal-article" and not resolution.issns:
            journal = f' ("{resolution.journals[0]}")' if resolution.journals else ""
            yield (
                ref["number"],
                line,
                (
                    f"Reference {ref['number']}{_at(line)}: Crossref's record for {resolution.identifier} is a journal "
                    f"article whose journal{journal} has no ISSN"
                ),
            )


def source_not_indexed(ctx: Context):
    """The NLM Catalog has no entry among the journals in NCBI's databases (PubMed) for any ISSN
    of the cited journal article's journal. No finding when the catalog was not asked or did not answer."""
    for ref, resolution, line in metadata.answered(ctx):
        if resolution.catalog_indexed is not False:
            continue
        journal = f'"{html.unescape(resolution.journals[0])}"' if resolution.journals else "the journal"
        issns = ", ".join(resolution.issns)
        yield (
            ref["number"],
            line,
            (
                f"Reference {ref['number']}{_at(line)}: {journal} (ISSN {issns}) is not indexed in PubMed: "
                f'the NLM Catalog search "{resolution.catalog_query}" found no journal in NCBI databases'
                # no answer date here: the message is part of the finding's key, which must stay the same
                # when the catalog is asked again (the date is kept with the cached answer)
            ),
        )


def metadata_author_mismatch(ctx: Context):
    """The registry's first author is not the entered first author (accents and case aside)."""
    for ref, resolution, line in metadata.answered(ctx):
        entered = _first_author(ref.get("authors") or "")
        found = _plain(resolution.first_author)
        if entered and found and found not in entered.split() and found.replace(" ", "") != entered.replace(" ", ""):
            said = f'first author "{resolution.first_author}" for {resolution.identifier}, not "{_entered_first(ref)}"'
            yield metadata.registry_gives(ref, resolution, line, said)


def metadata_journal_mismatch(ctx: Context):
    """The registry's journal is not the entered one, allowing for standard abbreviations."""
    for ref, resolution, line in metadata.answered(ctx):
        entered = ref.get("source") or ""
        if not entered or not resolution.journals or resolution.work_type not in ("", "journal-article"):
            continue
        if not any(_same_journal(entered, name) for name in resolution.journals):
            said = f'journal "{html.unescape(resolution.journals[0])}" for {resolution.identifier}, not "{entered}"'
            yield metadata.registry_gives(ref, resolution, line, said)


def doi_unresolved(ctx: Context):
    """Crossref answered 404: the DOI is not registered there (a DataCite DOI would be too; rare in
    clinical references, and the message says which registry)."""
    for ref in ctx.references:
        resolution: Resolution | None = ctx.resolutions.get(ref["number"])
        if resolution is not None and resolution.not_found:
            line = ctx.ref_line(ref["number"])
            yield (
                ref["number"],
                line,
                (
                    f"Reference {ref['number']}{_at(line)}: {resolution.identifier} does not resolve in Crossref "
                    f"({resolution.reason}, HTTP 404)"
                ),
            )


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", html.unescape(text or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _entered_first(ref: dict) -> str:
    return (ref.get("authors") or "").split(",")[0].strip()


def _first_author(authors: str) -> str:
    """The family name part of the first entered author ("Loblaw DA, ..." gives "loblaw")."""
    first = authors.split(",")[0].strip()
    first = re.sub(r"\s+[A-Z]{1,3}$", "", first)  # Vancouver initials
    return _plain(first)


def _same_journal(entered: str, registered: str) -> bool:
    """Equal after normalisation, word-for-word abbreviations ("J Clin Oncol"), or nearly equal."""
    mine = [w for w in _plain(entered).split() if w not in _STOP_WORDS]
    theirs = [w for w in _plain(registered).split() if w not in _STOP_WORDS]
    if len(mine) == len(theirs) and all(b.startswith(a) for a, b in zip(mine, theirs, strict=True)):
        return True
    return metadata.alike(" ".join(mine), " ".join(theirs), similarity=JOURNAL_SIMILARITY)


SOURCE_RULES: tuple[Rule, ...] = (
    Rule("reference-retracted", ERROR, reference_retracted),
    Rule("reference-concern", ERROR, reference_concern),
    Rule("reference-corrected", WARNING, reference_corrected),
    Rule("reference-preprint", WARNING, reference_preprint),
    Rule("source-no-issn", WARNING, source_no_issn),
    Rule("source-not-indexed", WARNING, source_not_indexed),
    Rule("metadata-author-mismatch", WARNING, metadata_author_mismatch),
    Rule("metadata-journal-mismatch", WARNING, metadata_journal_mismatch),
    Rule("doi-unresolved", WARNING, doi_unresolved),
)
# Rules whose errors, found on a live article by the evidence watch, start a re-review.
NOTICE_ERROR_RULES = frozenset({"reference-retracted", "reference-concern"})
