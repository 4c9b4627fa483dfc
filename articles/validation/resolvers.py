"""The one client for registries: Crossref (DOIs) and NCBI E-utilities (PMIDs, PMCIDs).

Each reference is checked by its strongest identifier (DOI, else PMID, else PMCID). Answers
are cached in ``ResolverLookup`` so an identifier is looked up once; transient failures
(timeouts, outages, malformed answers) are not cached and come back as a ``Resolution`` with
``ok=False`` and the reason, which the engine reports as ``reference-unverifiable``. Nothing
here raises for network trouble. Requests carry a polite User-Agent with
``settings.RESOLVER_CONTACT_EMAIL`` (Crossref's "polite pool"; NCBI's ``tool`` and ``email``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone

from articles.models import ResolverLookup
from articles.validation.rules import Resolution

CROSSREF = "https://api.crossref.org/works/"
ESUMMARY = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esummary.fcgi"
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
        sleep: Callable[[float], None] = time.sleep,
        max_age: timedelta | None = None,
    ):
        email = settings.RESOLVER_CONTACT_EMAIL
        self.email = email
        self.retries = retries
        self.sleep = sleep
        # Answers older than max_age are fetched again: the evidence watch needs fresh news of retractions.
        self.max_age = max_age
        self.client = httpx.Client(
            transport=transport,
            timeout=timeout or settings.RESOLVER_TIMEOUT_SECONDS,
            headers={"User-Agent": f"Imprimatur/0.1 (mailto:{email})"},
            follow_redirects=True,
        )

    def resolve(self, *, references: list[dict]) -> dict[int, Resolution]:
        """Return a Resolution per reference number that has a DOI, PMID or PMCID."""
        out: dict[int, Resolution] = {}
        pubmed, pmc = {}, {}
        for ref in references:
            if ref.get("doi"):
                out[ref["number"]] = self.crossref(doi=ref["doi"])
            elif ref.get("pmid"):
                pubmed[ref["number"]] = ref["pmid"]
            elif ref.get("pmcid"):
                pmc[ref["number"]] = re.sub(r"(?i)^pmc", "", ref["pmcid"])
        out.update(self._ncbi("pubmed", pubmed))
        out.update(self._ncbi("pmc", pmc))
        return out

    def _cached(self, source: str, identifier: str) -> ResolverLookup | None:
        lookups = ResolverLookup.objects.filter(source=source, identifier=identifier)
        if self.max_age is not None:
            lookups = lookups.filter(fetched_at__gte=timezone.now() - self.max_age)
        return lookups.first()

    # --- Crossref --------------------------------------------------------------------------

    def crossref(self, *, doi: str) -> Resolution:
        cached = self._cached("crossref", doi)
        if cached is None:
            try:
                response = self._get(CROSSREF + doi, params={"mailto": self.email})
            except ResolverUnavailable as exc:
                return Resolution(ok=False, reason=str(exc), source="Crossref", identifier=doi)
            if response.status_code == 404:
                cached = _store("crossref", doi, ok=False, error=f"Crossref does not know DOI {doi}")
            else:
                try:
                    cached = _store("crossref", doi, ok=True, payload=response.json()["message"])
                except (ValueError, KeyError, TypeError):
                    reason = "Crossref sent a malformed answer"
                    return Resolution(ok=False, reason=reason, source="Crossref", identifier=doi)
        if not cached.ok:
            return Resolution(ok=False, reason=cached.error, source="Crossref", identifier=doi)
        return _crossref_resolution(doi, cached.payload)

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
        out = {}
        for number, ident in wanted.items():
            label = f"PMC{ident}" if db == "pmc" else ident
            if ident in failures:
                out[number] = Resolution(False, failures[ident], source, label)
            elif not summaries[ident].ok:
                out[number] = Resolution(False, summaries[ident].error, source, label)
            else:
                out[number] = _ncbi_resolution(source, label, summaries[ident].payload)
        return out

    def _esummary(self, db: str, ids: list[str]) -> dict[str, ResolverLookup]:
        params = {"db": db, "id": ",".join(ids), "retmode": "json"}
        params |= {"tool": "imprimatur", "email": self.email}
        if settings.NCBI_API_KEY:
            params["api_key"] = settings.NCBI_API_KEY
        response = self._get(ESUMMARY, params=params)
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


def _host(url: str) -> str:
    return httpx.URL(url).host


def _store(source: str, identifier: str, *, ok: bool, payload=None, error="") -> ResolverLookup:
    lookup, _ = ResolverLookup.objects.update_or_create(
        source=source,
        identifier=identifier,
        defaults={"ok": ok, "payload": payload or {}, "error": error},
    )
    return lookup


def _crossref_resolution(doi: str, message: dict) -> Resolution:
    """Crossref marks a retracted work with an ``updated-by`` notice of type retraction
    (Retraction Watch data included), or a ``RETRACTED:`` title prefix."""
    titles = message.get("title") or [""]
    years = {
        parts[0][0]
        for name in ("issued", "published-print", "published-online", "published")
        for parts in [(message.get(name) or {}).get("date-parts") or [[None]]]
        if parts and parts[0] and isinstance(parts[0][0], int)
    }
    notices = [u for u in message.get("updated-by") or [] if "retract" in str(u.get("type", "")).lower()]
    relation = (message.get("relation") or {}).get("is-retracted-by") or []
    retracted = bool(notices or relation) or str(titles[0]).upper().startswith("RETRACTED")
    notice = (notices[0].get("DOI") if notices else "") or (relation[0].get("id") if relation else "")
    return Resolution(
        ok=True,
        source="Crossref",
        identifier=doi,
        title=str(titles[0]),
        years=tuple(sorted(years)),
        retracted=retracted,
        notice=notice or "",
    )


def _ncbi_resolution(source: str, identifier: str, summary: dict) -> Resolution:
    """PubMed tags a retracted article with the publication type "Retracted Publication"."""
    years = {
        int(m.group(0))
        for field in ("pubdate", "epubdate", "printpubdate", "epubdate")
        for m in [re.match(r"\d{4}", str(summary.get(field) or ""))]
        if m
    }
    pubtypes = [str(t).lower() for t in summary.get("pubtype") or []]
    return Resolution(
        ok=True,
        source=source,
        identifier=identifier,
        title=str(summary.get("title") or ""),
        years=tuple(sorted(years)),
        retracted="retracted publication" in pubtypes,
    )
