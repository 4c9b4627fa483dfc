"""The NLM Catalog signal ``source-not-indexed``: recorded ESearch answers, an outage, the cache."""

import pytest

from articles.models import ResolverLookup
from tests.articles.validation.test_resolvers import JCO, Recorder, resolver_registries, run

pytestmark = pytest.mark.django_db
NOT_INDEXED = (
    "[Research] Example A. Turmeric extract for knee osteoarthritis: a randomised trial. "
    "International Journal of Example Remedies. 2019. doi:10.5555/not.indexed"
)
TERM = "(2345-6787[issn]) AND ncbijournals[filter]"


def catalog_requests(recorder):
    return [r for r in recorder.requests if r.url.path.endswith("/esearch.fcgi")]


def test_indexed_journal_gives_no_finding():
    recorder = Recorder()
    report = run(recorder, JCO + " doi:10.1200/JCO.1998.16.4.1613")
    assert [f.rule for f in report.findings] == []
    [asked] = catalog_requests(recorder)
    assert asked.url.params["term"] == "(0732-183X[issn] OR 1527-7755[issn]) AND ncbijournals[filter]"
    assert ResolverLookup.objects.get(source="nlmcatalog", identifier="0732-183X,1527-7755").payload["ids"] == [
        "8309333"
    ]


def test_journal_not_in_the_catalog_is_a_warning_naming_journal_issn_and_evidence():
    report = run(Recorder(), NOT_INDEXED, year=2020)
    [finding] = [f for f in report.findings if f.rule == "source-not-indexed"]
    assert (finding.severity, finding.reference) == ("warning", 1)
    assert finding.message == (
        'Reference 1: "International Journal of Example Remedies" (ISSN 2345-6787) is not indexed in PubMed: '
        f'the NLM Catalog search "{TERM}" found no journal in NCBI databases'
    )
    # The answer's date is kept with the cached look-up, not in the message (the finding's key stays
    # the same when the catalog is asked again, so a reviewer's acknowledgement still holds).
    assert ResolverLookup.objects.get(source="nlmcatalog", identifier="2345-6787").fetched_at is not None


def test_catalog_outage_gives_no_finding_and_records_the_registry_as_not_answered():
    recorder = Recorder(timeout_hosts={"eutils.ncbi.nlm.nih.gov"})
    report = run(recorder, NOT_INDEXED, year=2020)
    assert "source-not-indexed" not in {f.rule for f in report.findings}
    assert not ResolverLookup.objects.filter(source="nlmcatalog").exists()  # an outage is not cached
    crossref, catalog = resolver_registries(recorder, NOT_INDEXED)
    assert crossref == {"registry": "Crossref", "answered_at": crossref["answered_at"], "error": ""}
    assert catalog["registry"] == "NLM Catalog" and catalog["answered_at"] == ""
    assert catalog["error"] == "eutils.ncbi.nlm.nih.gov did not answer in time after 3 attempts"


def test_a_catalog_outage_is_waited_for_once_not_once_per_reference():
    recorder = Recorder(timeout_hosts={"eutils.ncbi.nlm.nih.gov"})
    report = run(recorder, NOT_INDEXED, JCO + " doi:10.1200/JCO.1998.16.4.1613", year=2020)
    assert "source-not-indexed" not in {f.rule for f in report.findings}
    assert len(catalog_requests(recorder)) == 3  # the attempts for the first journal; the second is not asked


def test_catalog_answer_is_cached_with_its_fetch_time():
    recorder = Recorder()
    first = run(recorder, NOT_INDEXED, year=2020)
    second = run(recorder, NOT_INDEXED, year=2020)
    assert len(catalog_requests(recorder)) == 1  # the second check reads the cached answer
    lookup = ResolverLookup.objects.get(source="nlmcatalog", identifier="2345-6787")
    assert lookup.payload == {"term": TERM, "count": 0, "ids": []}
    assert [f.message for f in first.findings] == [f.message for f in second.findings]
    [_crossref, catalog] = resolver_registries(recorder, NOT_INDEXED)
    assert catalog == {"registry": "NLM Catalog", "answered_at": lookup.fetched_at.isoformat(), "error": ""}


def test_no_catalog_question_without_an_issn_or_for_a_preprint():
    recorder = Recorder()
    run(
        recorder,
        "[Research] Example A. A journal without ISSN. Journal of Example Medicine. 2019. doi:10.5555/no.issn",
        "[Research] Example A. Prone positioning. medRxiv. 2020. doi:10.1101/2020.04.01.20050000",
        year=2020,
    )
    assert catalog_requests(recorder) == []


def test_catalog_error_answer_is_not_a_finding_and_not_cached():
    import httpx

    recorder = Recorder()

    def handler(request):
        if request.url.path.endswith("/esearch.fcgi"):  # E-utilities reports a bad query inside a 200
            return httpx.Response(200, json={"esearchresult": {"ERROR": "Invalid query"}})
        return recorder(request)

    report = run(handler, NOT_INDEXED, year=2020)
    assert "source-not-indexed" not in {f.rule for f in report.findings}
    assert not ResolverLookup.objects.filter(source="nlmcatalog").exists()
