"""Preprints: how a cited preprint is recognised, and the reference that replaces it.

A work is a preprint when Crossref types it ``posted-content`` or its DOI carries a preprint
server's prefix. Cold Spring Harbor shares 10.1101 between bioRxiv/medRxiv and its journals
(``10.1101/gr.…`` is Genome Research), so for that prefix only the servers' suffix shapes count
(``10.1101/2020.03.05.20031963`` or a bare number).
"""

from __future__ import annotations

import re

from articles.validation.identifiers import normalize_doi

PREPRINT_PREFIXES = {
    "10.1101": "medRxiv/bioRxiv",
    "10.21203": "Research Square",
    "10.2139": "SSRN",
    "10.48550": "arXiv",
    "10.20944": "Preprints.org",
    "10.31219": "OSF Preprints",
    "10.22541": "Authorea",
    "10.12688": "F1000Research",
}
_RXIV_SUFFIX = re.compile(r"^(?:\d{4}\.\d{2}\.\d{2}\.\d+|\d+)(?:v\d+)?$")


def preprint_server(*, doi: str) -> str:
    """The preprint server a DOI's prefix belongs to, or "" when it is not a preprint prefix."""
    prefix, _, suffix = (doi or "").strip().lower().partition("/")
    server = PREPRINT_PREFIXES.get(prefix, "")
    if prefix == "10.1101" and not _RXIV_SUFFIX.match(suffix):
        return ""
    return server


def published_version_reference(*, reference: dict, published_doi: str, record=None) -> dict:
    """The reference data that replaces a cited preprint with its published version.

    ``record`` is the registry's ``Resolution`` for ``published_doi`` when it was looked up
    (title, journal, year come from it); without one the entered title and authors are kept.
    The number and kind stay, so the body's markers still point at it; identifiers of the
    preprint (PMID, PMCID, URL) and its details go, as they belong to the old work. Raises
    ``IdentifierError`` for a malformed DOI. The caller saves it in a new revision.
    """
    doi = normalize_doi(published_doi)
    found = record if record is not None and getattr(record, "ok", False) else None
    title = (found.title if found and found.title else reference.get("title")) or ""
    source = (found.journals[0] if found and found.journals else "") or ""
    years = found.years if found else ()
    year = min(years) if years else reference.get("year")
    authors = reference.get("authors") or ""
    parts = [part.rstrip(".") for part in (authors, title, source, str(year or "")) if part]
    return {
        **reference,
        "title": title,
        "source": source,
        "year": year,
        "details": "",
        "doi": doi,
        "pmid": "",
        "pmcid": "",
        "url": "",
        "raw": ". ".join(parts) + f". doi:{doi}",
    }
