"""Registry answers read into one ``Resolution``: Crossref work records and NCBI ESummary documents.

Pure functions over the cached JSON payloads (``ResolverLookup.payload``): no network, no database.
"""

from __future__ import annotations

import re

from articles.validation.base import Resolution
from articles.validation.notices import WITHDRAWN_KINDS, crossref_notices, pubmed_notices


def crossref_resolution(*, doi: str, work: dict, updates: list[dict], fetched_at: str = "") -> Resolution:
    """A Crossref work (``/works/{doi}``) and the works that update it (``filter=updates:{doi}``)."""
    titles = work.get("title") or [""]
    years = {
        parts[0][0]
        for name in ("issued", "published-print", "published-online", "published")
        for parts in [(work.get(name) or {}).get("date-parts") or [[None]]]
        if parts and parts[0] and isinstance(parts[0][0], int)
    }
    notices = tuple(crossref_notices(doi=doi, work=work, updates=updates, fetched_at=fetched_at))
    withdrawn = [n for n in notices if n.kind in WITHDRAWN_KINDS]
    retracted = bool(withdrawn) or str(titles[0]).upper().startswith("RETRACTED")
    authors = [a for a in work.get("author") or [] if isinstance(a, dict)]
    first = next((a for a in authors if a.get("sequence") == "first"), authors[0] if authors else {})
    return Resolution(
        ok=True,
        source="Crossref",
        identifier=doi,
        title=str(titles[0]),
        years=tuple(sorted(years)),
        retracted=retracted,
        notice=withdrawn[0].doi if withdrawn else "",
        notices=notices,
        work_type=str(work.get("type") or ""),
        issns=tuple(str(i) for i in work.get("ISSN") or []),
        journals=tuple(str(t) for name in ("container-title", "short-container-title") for t in work.get(name) or []),
        first_author=str(first.get("family") or first.get("name") or ""),
        published_version=_published_version(work),
    )


def _published_version(work: dict) -> str:
    """The DOI Crossref's ``relation`` gives as the journal article this preprint became."""
    for relation in (work.get("relation") or {}).get("is-preprint-of") or []:
        if isinstance(relation, dict) and str(relation.get("id-type", "doi")).lower() == "doi" and relation.get("id"):
            return str(relation["id"]).lower()
    return ""


def ncbi_resolution(*, source: str, identifier: str, summary: dict, fetched_at: str = "") -> Resolution:
    """An ESummary document; PubMed tags a retracted article "Retracted Publication" and links
    its notices ("Retraction in", "Expression of concern in", "Erratum in")."""
    years = {
        int(m.group(0))
        for field in ("pubdate", "epubdate", "printpubdate")
        for m in [re.match(r"\d{4}", str(summary.get(field) or ""))]
        if m
    }
    notices = tuple(pubmed_notices(summary=summary, fetched_at=fetched_at))
    withdrawn = [n for n in notices if n.kind in WITHDRAWN_KINDS]
    authors = [a for a in summary.get("authors") or [] if isinstance(a, dict) and a.get("authtype") in (None, "Author")]
    first = str(summary.get("sortfirstauthor") or (authors[0].get("name") if authors else "") or "")
    return Resolution(
        ok=True,
        source=source,
        identifier=identifier,
        title=str(summary.get("title") or ""),
        years=tuple(sorted(years)),
        retracted=bool(withdrawn),
        notice=withdrawn[0].pmid if withdrawn else "",
        notices=notices,
        issns=tuple(str(summary[k]) for k in ("issn", "essn") if summary.get(k)),
        journals=tuple(str(summary[k]) for k in ("source", "fulljournalname") if summary.get(k)),
        first_author=re.sub(r"\s+[A-Z]{1,3}$", "", first.strip()),
    )
