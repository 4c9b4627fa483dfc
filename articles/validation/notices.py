"""Notices on a cited work, normalised from what Crossref and PubMed record.

A publisher or Retraction Watch records a retraction, expression of concern, correction,
withdrawal or removal as a separate work that points at the original. Crossref shows it in two
places: the original's ``updated-by`` list, and the notice's own ``update-to`` list (found with
the REST filter ``updates:{doi}``); publishers fill in one or the other, so both are read.
PubMed marks the same events as publication types ("Retracted Publication") and as
comment/correction links of the ESummary document ("Retraction in", "Expression of concern
in", "Erratum in", "Update in"). Each event becomes one ``Notice``; the same kind from the
same notice DOI or PMID is kept once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RETRACTION = "retraction"
PARTIAL_RETRACTION = "partial_retraction"
EXPRESSION_OF_CONCERN = "expression_of_concern"
CORRECTION = "correction"
WITHDRAWAL = "withdrawal"
REMOVAL = "removal"
# Kinds that mean the work should no longer be cited: an error that blocks approval.
WITHDRAWN_KINDS = frozenset({RETRACTION, PARTIAL_RETRACTION, WITHDRAWAL, REMOVAL})

KIND_LABELS = {
    RETRACTION: "retraction",
    PARTIAL_RETRACTION: "partial retraction",
    EXPRESSION_OF_CONCERN: "expression of concern",
    CORRECTION: "correction",
    WITHDRAWAL: "withdrawal",
    REMOVAL: "removal",
}
# Crossref update types (and labels) mapped to a kind; "new_version", "addendum" and the like
# are not notices about the reliability of the work and are left out.
_CROSSREF_KINDS = {
    "retraction": RETRACTION,
    "partial_retraction": PARTIAL_RETRACTION,
    "expression_of_concern": EXPRESSION_OF_CONCERN,
    "correction": CORRECTION,
    "erratum": CORRECTION,
    "corrigendum": CORRECTION,
    "withdrawal": WITHDRAWAL,
    "removal": REMOVAL,
}
# PubMed comment/correction link types (ESummary "Retraction in", EFetch "RetractionIn").
_PUBMED_LINKS = {
    "retractionin": RETRACTION,
    "partialretractionin": PARTIAL_RETRACTION,
    "expressionofconcernin": EXPRESSION_OF_CONCERN,
    "erratumin": CORRECTION,
    "updatein": CORRECTION,
}
_PUBMED_TYPES = {"retracted publication": RETRACTION, "expression of concern": EXPRESSION_OF_CONCERN}


@dataclass(frozen=True)
class Notice:
    """One recorded event on a cited work."""

    kind: str  # one of KIND_LABELS
    registry: str  # "Crossref" or "PubMed": where it was read
    source: str = ""  # who recorded it: "publisher", "retraction-watch", "pubmed"
    date: str = ""  # ISO date (or as much of it as the registry gives)
    doi: str = ""  # the notice's own DOI
    pmid: str = ""  # the notice's PubMed id
    fetched_at: str = ""  # when the registry answer it came from was fetched (ISO)

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def url(self) -> str:
        """Where to read the notice: its DOI, else its PubMed page."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return ""

    @property
    def recorded_by(self) -> str:
        """ "Crossref (Retraction Watch)", "Crossref (publisher)" or "PubMed"."""
        if self.source == "retraction-watch":
            return f"{self.registry} (Retraction Watch)"
        if self.source == "publisher":
            return f"{self.registry} (publisher)"
        return self.registry

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "registry": self.registry,
            "source": self.source,
            "date": self.date,
            "doi": self.doi,
            "pmid": self.pmid,
            "url": self.url,
            "fetched_at": self.fetched_at,
        }


def crossref_kind(value: object) -> str | None:
    """The kind for a Crossref update type or label ("expression_of_concern", "Erratum"), or None."""
    key = re.sub(r"[\s-]+", "_", str(value or "").strip().lower())
    return _CROSSREF_KINDS.get(key)


def crossref_notices(*, doi: str, work: dict, updates: list[dict], fetched_at: str = "") -> list[Notice]:
    """Notices on ``doi`` from its work record (``updated-by``, ``relation``) and from the works
    that declare they update it (items of ``filter=updates:{doi}``, read from their ``update-to``)."""
    found = [_crossref_notice(entry, entry.get("DOI"), fetched_at) for entry in work.get("updated-by") or []]
    for item in updates:
        for entry in item.get("update-to") or []:
            if str(entry.get("DOI") or "").lower() == doi.lower():
                found.append(_crossref_notice(entry, item.get("DOI"), fetched_at))
    for relation in (work.get("relation") or {}).get("is-retracted-by") or []:
        found.append(Notice(RETRACTION, "Crossref", "publisher", doi=str(relation.get("id") or ""),
                            fetched_at=fetched_at))  # fmt: skip
    return _unique([notice for notice in found if notice is not None])


def _crossref_notice(entry: dict, notice_doi, fetched_at: str) -> Notice | None:
    if not isinstance(entry, dict):
        return None
    kind = crossref_kind(entry.get("type")) or crossref_kind(entry.get("label"))
    if kind is None:
        return None
    return Notice(
        kind=kind,
        registry="Crossref",
        source=str(entry.get("source") or "publisher"),
        date=_date(entry.get("updated")),
        doi=str(notice_doi or "").lower(),
        fetched_at=fetched_at,
    )


def pubmed_notices(*, summary: dict, fetched_at: str = "") -> list[Notice]:
    """Notices from a PubMed ESummary document: comment/correction links and publication types."""
    found = []
    for link in summary.get("references") or []:
        if not isinstance(link, dict):
            continue
        kind = _PUBMED_LINKS.get(re.sub(r"\W+", "", str(link.get("reftype") or "")).lower())
        if kind is not None:
            pmid = str(link.get("pmid") or "")
            found.append(Notice(kind, "PubMed", "pubmed", date=_source_year(link), pmid=pmid, fetched_at=fetched_at))
    linked = {notice.kind for notice in found}
    for pubtype in summary.get("pubtype") or []:
        kind = _PUBMED_TYPES.get(str(pubtype).strip().lower())
        # A publication type without its link still counts; it points at the article's own page.
        if kind is not None and kind not in linked:
            found.append(Notice(kind, "PubMed", "pubmed", pmid=str(summary.get("uid") or ""), fetched_at=fetched_at))
    return _unique(found)


def _unique(notices: list[Notice]) -> list[Notice]:
    """One notice per event: the same kind from the same notice DOI (or PMID) is kept once."""
    seen, out = set(), []
    for notice in notices:
        key = (notice.kind, notice.doi or notice.pmid)
        if key not in seen:
            seen.add(key)
            out.append(notice)
    return out


def _date(value) -> str:
    if not isinstance(value, dict):
        return ""
    if isinstance(value.get("date-time"), str):
        return value["date-time"][:10]
    parts = (value.get("date-parts") or [[]])[0] or []
    if parts and all(isinstance(p, int) for p in parts):
        return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))
    return ""


def _source_year(link: dict) -> str:
    match = re.search(r"\b(1[89]|20)\d{2}\b", str(link.get("refsource") or ""))
    return match.group(0) if match else ""
