"""The one client for registries: Crossref (DOIs) and NCBI E-utilities (PMIDs, PMCIDs, the NLM Catalog).

Each reference is checked by its strongest identifier (DOI, else PMID, else PMCID). Answers
are cached in ``ResolverLookup`` (one row per registry and identifier, with its ``fetched_at``) so an
identifier is looked up once; transient failures
(timeouts, outages, malformed answers) are not cached and come back as a ``Resolution`` with
``ok=False`` and the reason, which the engine reports as ``reference-unverifiable``. Nothing
here raises for network trouble. Requests carry a polite User-Agent with
``settings.RESOLVER_CONTACT_EMAIL`` (Crossref's "polite pool"; NCBI's ``tool`` and ``email``).
The addresses are ``settings.CROSSREF_API_URL`` and ``settings.NCBI_EUTILS_URL``, so a mirror,
a proxy or a local stand-in can answer instead of the public services.

For a DOI the resolver reads the work (``/works/{doi}``) and the works that declare they update
it (``/works?filter=updates:{doi}``), the two places Crossref records notices; see
``notices.py``. For a journal article Crossref gives ISSNs for, the NLM Catalog is asked through
E-utilities ESearch whether the journal is in PubMed (``catalog``). ``registry_status()`` says
which registries answered the last ``resolve`` and which failed, for the report.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone
from stdnum import issn as stdnum_issn

from articles.models import ResolverLookup
from articles.validation.base import Resolution
from articles.validation.records import crossref_resolution, ncbi_resolution

NCBI_BATCH = 200  # ids per E-utilities request
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class ResolverUnavailable(Exception):
    """A registry did not give a usable answer this time; the message says why."""


class RegistryResolver:
    """Look references up in Crossref and NCBI; inject ``transport`` to replay recordings."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float | None = None,
        retries: int = 2,
        sleep: Callable[[float], None] | None = None,
        max_age: timedelta | None = None,
    ):
        email = settings.RESOLVER_CONTACT_EMAIL
        self.email = email
        self.retries = retries
        self.sleep = sleep or time.sleep
        # Answers older than max_age are fetched again: the evidence watch needs fresh news of retractions.
        self.max_age = max_age
        self.client = httpx.Client(
            transport=transport,
            timeout=timeout or settings.RESOLVER_TIMEOUT_SECONDS,
            headers={"User-Agent": f"Imprimatur/0.1 (mailto:{email})"},
            follow_redirects=True,
        )
        self.crossref_url = settings.CROSSREF_API_URL.rstrip("/") + "/"
        self.esummary_url = settings.NCBI_EUTILS_URL.rstrip("/") + "/esummary.fcgi"
        self.esearch_url = settings.NCBI_EUTILS_URL.rstrip("/") + "/esearch.fcgi"
        self._registries: dict[str, dict] = {}

    def registry_status(self) -> list[dict]:
        """Per registry asked by the last ``resolve``: when it answered (or its cached answer was
        fetched) and the last failure, "" when none."""
        return [dict(entry) for entry in self._registries.values()]

    def _mark(self, registry: str, *, at=None, error: str = "") -> None:
        entry = self._registries.setdefault(registry, {"registry": registry, "answered_at": "", "error": ""})
        if error:
            entry["error"] = error
        else:
            entry["answered_at"] = max(entry["answered_at"], (at or timezone.now()).isoformat())

    def resolve(self, *, references: list[dict]) -> dict[int, Resolution]:
        """Return a Resolution per reference number that has a DOI, PMID or PMCID.

        A reference with both a DOI and a PMID is checked by its DOI, and PubMed's notices on the
        PMID are added (see ``merged_notices``): each registry records events the other misses."""
        out: dict[int, Resolution] = {}
        self._registries = {}
        pubmed, pmc, also_pubmed = {}, {}, {}
        for ref in references:
            if ref.get("doi"):
                out[ref["number"]] = self.crossref(doi=ref["doi"])
                if ref.get("pmid"):
                    also_pubmed[ref["number"]] = ref["pmid"]
            elif ref.get("pmid"):
                pubmed[ref["number"]] = ref["pmid"]
            elif ref.get("pmcid"):
                pmc[ref["number"]] = re.sub(r"(?i)^pmc", "", ref["pmcid"])
        found = self._ncbi("pubmed", {**pubmed, **also_pubmed})
        out.update({number: found[number] for number in pubmed})
        out.update({number: merged_notices(out[number], found[number]) for number in also_pubmed})
        out.update(self._ncbi("pmc", pmc))
        for number, resolution in list(out.items()):
            if self._registries.get("NLM Catalog", {}).get("error"):
                break  # the catalog is down: one outage, not one wait per reference
            if resolution.ok and resolution.source == "Crossref" and resolution.work_type == "journal-article":
                out[number] = self.catalog(resolution)
        return out

    def _cached(self, source: str, identifier: str) -> ResolverLookup | None:
        lookups = ResolverLookup.objects.filter(source=source, identifier=identifier)
        if self.max_age is not None:
            lookups = lookups.filter(fetched_at__gte=timezone.now() - self.max_age)
        return lookups.first()

    # --- Crossref --------------------------------------------------------------------------

    def crossref(self, *, doi: str) -> Resolution:
        """The work's record and its notices; a 404 is ``not_found`` (and cached), outages are not cached."""
        try:
            work = self._crossref_lookup("crossref", doi, self.crossref_url + doi, {})
            updates = None
            if work.ok:
                params = {"filter": f"updates:{doi}", "rows": 100}
                updates = self._crossref_lookup("crossref-updates", doi, self.crossref_url.rstrip("/"), params)
        except ResolverUnavailable as exc:
            self._mark("Crossref", error=str(exc))
            return Resolution(ok=False, reason=str(exc), source="Crossref", identifier=doi)
        self._mark("Crossref", at=min(work.fetched_at, (updates or work).fetched_at))
        if not work.ok:
            not_found = work.payload.get("status") == 404
            return Resolution(ok=False, reason=work.error, source="Crossref", identifier=doi, not_found=not_found)
        items = updates.payload.get("items") if updates.ok else []
        fetched = work.fetched_at.isoformat()
        return crossref_resolution(doi=doi, work=work.payload, updates=items or [], fetched_at=fetched)

    def _crossref_lookup(self, source: str, doi: str, url: str, params: dict) -> ResolverLookup:
        cached = self._cached(source, doi)
        if cached is not None:
            return cached
        response = self._get(url, params={**params, "mailto": self.email})
        if response.status_code == 404:
            return _store(source, doi, ok=False, payload={"status": 404}, error=f"Crossref does not know DOI {doi}")
        try:
            message = response.json()["message"]
            if not isinstance(message, dict):
                raise TypeError("message is not an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise ResolverUnavailable("Crossref sent a malformed answer") from exc
        return _store(source, doi, ok=True, payload=message)

    # --- NCBI ------------------------------------------------------------------------------

    def _ncbi(self, db: str, wanted: dict[int, str]) -> dict[int, Resolution]:
        source = "PubMed" if db == "pubmed" else "PMC"
        summaries: dict[str, ResolverLookup] = {}
        missing = []
        for ident in dict.fromkeys(wanted.values()):
            cached = self._cached(db, ident)
            if cached is None:
                missing.append(ident)
            else:
                summaries[ident] = cached
        failures: dict[str, str] = {}
        for start in range(0, len(missing), NCBI_BATCH):
            batch = missing[start : start + NCBI_BATCH]
            try:
                summaries.update(self._esummary(db, batch))
            except ResolverUnavailable as exc:
                failures.update(dict.fromkeys(batch, str(exc)))
                self._mark("NCBI", error=str(exc))
        for lookup in summaries.values():
            self._mark("NCBI", at=lookup.fetched_at)
        out = {}
        for number, ident in wanted.items():
            label = f"PMC{ident}" if db == "pmc" else ident
            if ident in failures:
                out[number] = Resolution(False, failures[ident], source, label)
            elif not summaries[ident].ok:
                out[number] = Resolution(False, summaries[ident].error, source, label)
            else:
                lookup = summaries[ident]
                out[number] = ncbi_resolution(
                    source=source, identifier=label, summary=lookup.payload, fetched_at=lookup.fetched_at.isoformat()
                )
        return out

    def _esummary(self, db: str, ids: list[str]) -> dict[str, ResolverLookup]:
        params = {"db": db, "id": ",".join(ids), "retmode": "json"}
        params |= {"tool": "imprimatur", "email": self.email}
        if settings.NCBI_API_KEY:
            params["api_key"] = settings.NCBI_API_KEY
        response = self._get(self.esummary_url, params=params)
        try:
            result = response.json()["result"]
            found = {ident: result.get(ident) for ident in ids}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ResolverUnavailable(f"NCBI sent a malformed answer for {db}") from exc
        out = {}
        for ident, summary in found.items():
            if isinstance(summary, dict) and not summary.get("error"):
                out[ident] = _store(db, ident, ok=True, payload=summary)
            else:
                out[ident] = _store(db, ident, ok=False, error=f"NCBI {db} does not know {ident}")
        return out

    # --- NLM Catalog ------------------------------------------------------------------------

    def catalog(self, resolution: Resolution) -> Resolution:
        """The resolution with the NLM Catalog's answer on whether its journal (by any of its ISSNs)
        is a journal in NCBI's databases; unchanged when there is no ISSN or the catalog failed."""
        issns = sorted({stdnum_issn.format(issn) for issn in resolution.issns if stdnum_issn.is_valid(issn)})
        if not issns:
            return resolution
        key = ",".join(issns)
        term = catalog_term(issns)
        lookup = self._cached("nlmcatalog", key)
        if lookup is None:
            try:
                lookup = self._esearch_catalog(key, term)
            except ResolverUnavailable as exc:
                self._mark("NLM Catalog", error=str(exc))
                return resolution
        self._mark("NLM Catalog", at=lookup.fetched_at)
        return replace(
            resolution,
            catalog_indexed=int(lookup.payload.get("count") or 0) > 0,
            catalog_query=term,
            catalog_answered_at=lookup.fetched_at.isoformat(),
        )

    def _esearch_catalog(self, key: str, term: str) -> ResolverLookup:
        params = {"db": "nlmcatalog", "term": term, "retmode": "json", "tool": "imprimatur", "email": self.email}
        if settings.NCBI_API_KEY:
            params["api_key"] = settings.NCBI_API_KEY
        response = self._get(self.esearch_url, params=params)
        try:
            result = response.json()["esearchresult"]
            if "ERROR" in result:
                raise ValueError(result["ERROR"])
            count, ids = int(result["count"]), [str(i) for i in result["idlist"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise ResolverUnavailable("NCBI sent a malformed answer for nlmcatalog") from exc
        return _store("nlmcatalog", key, ok=True, payload={"term": term, "count": count, "ids": ids})

    # --- transport -------------------------------------------------------------------------

    def _get(self, url: str, *, params: dict) -> httpx.Response:
        """GET with retries and backoff on timeouts, connection errors, 429 and 5xx."""
        reason = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(2 ** (attempt - 1))
            try:
                response = self.client.get(url, params=params)
            except httpx.TimeoutException:
                reason = f"{_host(url)} did not answer in time"
                continue
            except httpx.TransportError as exc:
                reason = f"{_host(url)} could not be reached ({type(exc).__name__})"
                continue
            if response.status_code in RETRYABLE_STATUS:
                reason = f"{_host(url)} answered HTTP {response.status_code}"
                continue
            if response.status_code >= 400 and response.status_code != 404:
                raise ResolverUnavailable(f"{_host(url)} answered HTTP {response.status_code}")
            return response
        raise ResolverUnavailable(f"{reason} after {self.retries + 1} attempts")


def catalog_term(issns: list[str]) -> str:
    """The NLM Catalog query for a journal by its ISSNs, limited to the journals in NCBI's databases.

    ``[issn]`` is the NLM Catalog's ISSN search field (print, electronic and linking ISSNs) and
    ``ncbijournals[filter]`` its subset "Journals in NCBI Databases", the journals that NCBI's
    records (PubMed, PMC) refer to. The filter is the one NCBI documents for ESearch on the catalog
    (Entrez Programming Utilities Help, https://www.ncbi.nlm.nih.gov/books/NBK25499/, ESearch
    examples: ``db=nlmcatalog&term=obstetrics+AND+ncbijournals[filter]``); the MEDLINE FAQ
    (https://www.nlm.nih.gov/medline/medline_faq.html, "How can I tell if a journal is indexed in
    MEDLINE?") points to the same catalog. A journal outside that subset has no PubMed record to
    check a citation against, which is the signal ``source-not-indexed`` reports."""
    either = " OR ".join(f"{issn}[issn]" for issn in issns)
    return f"({either}) AND ncbijournals[filter]"


def merged_notices(primary: Resolution, pubmed: Resolution) -> Resolution:
    """Crossref's answer with PubMed's notices added. A PubMed notice of a kind Crossref already
    records is the same event (Crossref's names the notice DOI), so it is left out. When Crossref
    could not answer (other than a 404), PubMed's answer stands for the reference."""
    if not pubmed.ok:
        return primary
    if not primary.ok:
        return primary if primary.not_found else pubmed
    kinds = {notice.kind for notice in primary.notices}
    extra = tuple(notice for notice in pubmed.notices if notice.kind not in kinds)
    return replace(primary, notices=primary.notices + extra, retracted=primary.retracted or pubmed.retracted)


def _host(url: str) -> str:
    return httpx.URL(url).host


def _store(source: str, identifier: str, *, ok: bool, payload=None, error="") -> ResolverLookup:
    lookup, _ = ResolverLookup.objects.update_or_create(
        source=source,
        identifier=identifier,
        defaults={"ok": ok, "payload": payload or {}, "error": error},
    )
    return lookup
