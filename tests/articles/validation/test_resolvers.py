"""Resolvers replay recorded registry answers; only the network is faked."""

import json
import re
from pathlib import Path

import httpx
import pytest

from articles.models import ResolverLookup
from articles.validation.engine import validate
from articles.validation.references import parse_reference
from articles.validation.resolvers import RegistryResolver

pytestmark = pytest.mark.django_db
RECORDINGS = Path(__file__).parent / "recordings"
ROUTES = {
    "/works/10.1200/jco.1998.16.4.1613": "crossref_jco.json",
    "/works/10.1021/am300292v": "crossref_retracted.json",
    "/works/10.1000/unknown": "crossref_not_found.json",
    "/works/10.1000/garbled": "crossref_malformed.json",
    "/entrez/eutils/esummary.fcgi": "esummary_pubmed.json",
    "/works/10.5555/notice.only": "crossref_notice_only.json",
    "/works/10.5555/concern": "crossref_concern.json",
    "/works/10.5555/corrected": "crossref_correction.json",
    "/works/10.5555/withdrawn": "crossref_withdrawal.json",
    "/works/10.1101/2020.04.01.20050000": "crossref_preprint.json",
    "/works/10.5555/prone.published": "crossref_preprint_published.json",
    "/works/10.5555/no.issn": "crossref_no_issn.json",
    "/works/10.5555/mismatch": "crossref_mismatch.json",
    "/works/10.5555/not.indexed": "crossref_not_indexed.json",
}
# Answers to ``/works?filter=updates:{doi}``: the notices that declare they update the DOI.
UPDATES = {"10.5555/notice.only": "crossref_updates_notice_only.json"}
NO_UPDATES = "crossref_updates_none.json"
# Answers to the NLM Catalog ESearch: this ISSN has no journal in NCBI databases; every other is indexed.
NOT_INDEXED_ISSNS = {"2345-6787"}


def recording_for(path: str, params) -> str:
    """The recording that answers a request; the stand-in server of the command test shares it."""
    updates = str(params.get("filter") or "")
    if path.rstrip("/").endswith("/works") and updates.startswith("updates:"):
        return UPDATES.get(updates.removeprefix("updates:").lower(), NO_UPDATES)
    if path.endswith("/esummary.fcgi"):  # wherever NCBI_EUTILS_URL puts E-utilities
        return ROUTES["/entrez/eutils/esummary.fcgi"]
    if path.endswith("/esearch.fcgi") and params.get("db") == "nlmcatalog":
        asked = set(re.findall(r"([\dX-]{9})\[issn\]", str(params.get("term") or "")))
        indexed = not asked <= NOT_INDEXED_ISSNS
        return "esearch_nlmcatalog_indexed.json" if indexed else "esearch_nlmcatalog_not_indexed.json"
    return ROUTES[path]


class Recorder:
    """An httpx transport handler serving recordings; ``timeout_hosts`` never answer."""

    def __init__(self, timeout_hosts=()):
        self.requests: list[httpx.Request] = []
        self.timeout_hosts = set(timeout_hosts)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host in self.timeout_hosts:
            raise httpx.ReadTimeout("timed out", request=request)
        recording = json.loads((RECORDINGS / recording_for(request.url.path, request.url.params)).read_text())
        if "json" in recording:
            return httpx.Response(recording["status"], json=recording["json"])
        return httpx.Response(recording["status"], text=recording["text"])


def resolver_for(recorder):
    return RegistryResolver(transport=httpx.MockTransport(recorder), sleep=lambda seconds: None)


def resolver_registries(recorder, *lines):
    resolver = resolver_for(recorder)
    resolver.resolve(references=refs(*lines))
    return resolver.registry_status()


def refs(*lines):
    return [parse_reference(text, number=n).as_dict() for n, text in enumerate(lines, start=1)]


JCO = (
    "[Guideline] Loblaw DA. Emergency treatment of malignant extradural spinal cord compression: "
    "an evidence-based guideline. J Clin Oncol. 1998;16(4):1613-24."
)
BODY = "Claims [1]. More [2]. And [3]."


def run(recorder, *lines, year=2000):
    body = " ".join(f"Claim [{n}]." for n in range(1, len(lines) + 1))
    report = validate(body=body, references=refs(*lines), year=year, resolver=resolver_for(recorder))
    return report


def rules_of(report):
    return {(f.rule, f.reference) for f in report.findings}


def test_matching_doi_gives_no_resolver_findings_and_polite_requests(settings):
    settings.RESOLVER_CONTACT_EMAIL = "desk@example.org"
    recorder = Recorder()
    report = run(recorder, JCO + " doi:10.1200/JCO.1998.16.4.1613")
    assert report.findings == []
    # The work, the notices that declare they update it, then the NLM Catalog on the journal's ISSNs.
    work, updates, catalog = recorder.requests
    for request in (work, updates):
        assert request.headers["User-Agent"] == "Imprimatur/0.1 (mailto:desk@example.org)"
        assert request.url.params["mailto"] == "desk@example.org"
    assert updates.url.path == "/works"
    assert updates.url.params["filter"] == "updates:10.1200/jco.1998.16.4.1613"
    assert catalog.url.path == "/entrez/eutils/esearch.fcgi"
    assert catalog.url.params["term"] == "(0732-183X[issn] OR 1527-7755[issn]) AND ncbijournals[filter]"
    assert (catalog.url.params["db"], catalog.url.params["email"]) == ("nlmcatalog", "desk@example.org")


def test_retracted_doi_is_an_error_naming_the_notice():
    report = run(Recorder(), "[Research] Doe J. Graphene oxide nanocarriers for drug delivery. "
                 "ACS Appl Mater Interfaces. 2012. doi:10.1021/am300292v")  # fmt: skip
    [finding] = [f for f in report.findings if f.rule == "reference-retracted"]
    assert finding.severity == "error"
    assert "Crossref (Retraction Watch) records a retraction notice 10.1021/acsami.9b11759" in finding.message
    assert finding.message.endswith("https://doi.org/10.1021/acsami.9b11759")


def test_metadata_mismatch_on_title_and_year():
    report = run(Recorder(), "[Research] Doe J. Acute pulmonary embolism in adults. "
                 "J Clin Oncol. 1997. doi:10.1200/JCO.1998.16.4.1613")  # fmt: skip
    mismatches = [f.message for f in report.findings if f.rule == "metadata-mismatch"]
    assert len(mismatches) == 2
    assert "gives the title" in mismatches[0] and "gives the year 1998, not 1997" in mismatches[1]


def test_pubmed_batch_marks_retracted_publication():
    recorder = Recorder()
    report = run(
        recorder,
        JCO + " PMID: 9552073",
        "[Research] Wakefield AJ. Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and "
        "pervasive developmental disorder in children. Lancet. 1998;351(9103):637-41. "
        "PMID: 9500320",
    )
    assert rules_of(report) == {("reference-retracted", 2)}
    [request] = recorder.requests  # one batched ESummary call for both PMIDs
    assert request.url.params["id"] == "9552073,9500320"
    assert request.url.params["db"] == "pubmed"


def test_timeout_is_unverifiable_with_the_reason_after_retries():
    recorder = Recorder(timeout_hosts={"api.crossref.org"})
    report = run(recorder, JCO + " doi:10.1200/JCO.1998.16.4.1613")
    [finding] = report.findings
    assert (finding.rule, finding.severity) == ("reference-unverifiable", "info")
    assert "api.crossref.org did not answer in time after 3 attempts" in finding.message
    assert len(recorder.requests) == 3
    assert not ResolverLookup.objects.exists()
    assert resolver_registries(recorder, JCO + " doi:10.1200/JCO.1998.16.4.1613")[0]["error"].startswith(
        "api.crossref.org did not answer in time"
    )  # a timeout is not cached


def test_malformed_answer_is_unverifiable_not_an_exception():
    report = run(Recorder(), JCO + " doi:10.1000/garbled")
    [finding] = report.findings
    assert finding.rule == "reference-unverifiable"
    assert "Crossref sent a malformed answer" in finding.message


def test_unknown_doi_does_not_resolve_and_is_cached():
    recorder = Recorder()
    run(recorder, JCO + " doi:10.1000/unknown")
    report = run(recorder, JCO + " doi:10.1000/unknown")
    [finding] = report.findings
    assert (finding.rule, finding.severity) == ("doi-unresolved", "warning")
    assert finding.message == (
        "Reference 1: 10.1000/unknown does not resolve in Crossref "
        "(Crossref does not know DOI 10.1000/unknown, HTTP 404)"
    )
    assert len(recorder.requests) == 1


def test_answers_are_cached_so_each_identifier_is_looked_up_once():
    recorder = Recorder()
    run(recorder, JCO + " doi:10.1200/JCO.1998.16.4.1613", JCO + " PMID: 9552073")
    run(recorder, JCO + " doi:10.1200/JCO.1998.16.4.1613", JCO + " PMID: 9552073")
    assert len(recorder.requests) == 4
    assert set(ResolverLookup.objects.values_list("source", "identifier")) == {
        ("crossref", "10.1200/jco.1998.16.4.1613"),
        ("crossref-updates", "10.1200/jco.1998.16.4.1613"),
        ("nlmcatalog", "0732-183X,1527-7755"),
        ("pubmed", "9552073"),
    }


def test_report_uses_resolvers_only_when_enabled(settings):
    from articles.models import Article, ArticleRevision
    from articles.validation import reports
    from tests.factories import make_user

    article = Article.objects.create(title="T", slug="t", body=BODY, author=make_user("w"))
    revision = ArticleRevision.objects.create(
        article=article, number=1, title="T", body="Claim [1].",
        references=refs("[Research] Doe J. Graphene oxide. ACS. 2012. doi:10.1021/am300292v"),
        content_hash="x", reason="r",
    )  # fmt: skip
    recorder = Recorder()
    settings.RESOLVERS_ENABLED = False
    off = reports.report_create(revision=revision, resolver=resolver_for(recorder))
    assert (off.resolvers_used, off.errors, recorder.requests) == (False, 0, [])
    settings.RESOLVERS_ENABLED = True
    on = reports.report_create(revision=revision, resolver=resolver_for(recorder))
    assert (on.resolvers_used, on.errors) == (True, 1)
    assert on.findings[0]["rule"] == "reference-retracted"
