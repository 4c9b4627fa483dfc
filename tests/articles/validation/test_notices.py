"""Every kind of notice and source-quality signal, from recorded registry answers: rule, severity, link."""

import pytest

from articles.models import ResolverLookup
from articles.validation import notices
from tests.articles.validation import test_resolvers
from tests.articles.validation.test_resolvers import JCO, Recorder, resolver_registries

pytestmark = pytest.mark.django_db


def run(recorder, *lines, year=2026):
    return test_resolvers.run(recorder, *lines, year=year)


def cite(doi, title="A study", source="Journal of Example Medicine", year=2019, author="Example A"):
    return f"[Research] {author}. {title}. {source}. {year}. doi:{doi}"


def findings(report, rule):
    return [f for f in report.findings if f.rule == rule]


def test_retraction_recorded_only_as_a_separate_notice_is_an_error_with_its_link():
    line = cite("10.5555/notice.only", "Early mobilisation after hip fracture surgery: a cohort study")
    report = run(Recorder(), line)
    [finding] = findings(report, "reference-retracted")
    assert finding.severity == "error"
    assert finding.message == (
        "Reference 1 has been retracted or withdrawn: Crossref (publisher) records a retraction notice "
        "10.5555/notice.only.retraction of 2023-05-02: https://doi.org/10.5555/notice.only.retraction"
    )
    assert report.has_errors


def test_retraction_watch_notice_on_the_work_names_its_source():
    report = run(Recorder(), cite("10.1021/am300292v", "Graphene oxide-based nanocarriers for drug delivery"))
    [finding] = findings(report, "reference-retracted")
    assert "Crossref (Retraction Watch) records a retraction notice 10.1021/acsami.9b11759 of 2019-08-14" in (
        finding.message
    )


def test_expression_of_concern_is_an_error_an_editor_in_chief_may_acknowledge():
    report = run(Recorder(), cite("10.5555/concern", "Vitamin D and fracture risk in older adults"))
    [finding] = findings(report, "reference-concern")
    assert finding.severity == "error"
    assert "is under an expression of concern (an editor-in-chief may acknowledge it" in finding.message
    assert finding.message.endswith(
        "Crossref (publisher) records an expression of concern notice 10.5555/concern.eoc of 2022-11-08: "
        "https://doi.org/10.5555/concern.eoc"
    )
    assert findings(report, "reference-retracted") == []


def test_correction_is_a_warning_naming_the_notice():
    report = run(Recorder(), cite("10.5555/corrected", "Dexamethasone dosing in spinal cord compression"))
    [finding] = findings(report, "reference-corrected")
    assert finding.severity == "warning"
    assert "has been corrected (check the cited figures against the correction)" in finding.message
    assert "notice 10.5555/corrected.erratum" in finding.message
    assert finding.message.endswith("https://doi.org/10.5555/corrected.erratum")
    assert not report.has_errors


def test_withdrawal_is_an_error():
    report = run(Recorder(), cite("10.5555/withdrawn", "Oral anticoagulants after ischaemic stroke"))
    [finding] = findings(report, "reference-retracted")
    assert finding.severity == "error"
    assert "Crossref (Retraction Watch) records a withdrawal notice 10.5555/withdrawn.notice" in finding.message
    assert finding.message.endswith("https://doi.org/10.5555/withdrawn.notice")


def test_preprint_with_published_version_is_a_warning_naming_it():
    line = cite("10.1101/2020.04.01.20050000", "Prone positioning in awake patients with hypoxaemia", "medRxiv", 2020)
    report = run(Recorder(), line, year=2026)
    [finding] = findings(report, "reference-preprint")
    assert finding.severity == "warning"
    assert finding.message == (
        "Reference 1 is a preprint on medRxiv/bioRxiv, not peer reviewed, cited for a clinical claim on line 1; "
        "it was published as 10.5555/prone.published (https://doi.org/10.5555/prone.published): "
        "swap the reference for the published version in a new revision"
    )


def test_preprint_prefix_is_a_warning_even_offline():
    from articles.validation.engine import validate
    from tests.articles.validation.test_resolvers import refs

    report = validate(body="Claim [1].", references=refs(cite("10.21203/rs.3.rs-12345/v1")), year=2026)
    [finding] = findings(report, "reference-preprint")
    assert "is a preprint on Research Square" in finding.message and "published as" not in finding.message


def test_pubmed_retraction_link_is_an_error_linking_the_notice():
    lancet = (
        "[Research] Wakefield AJ. Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive "
        "developmental disorder in children. Lancet. 1998;351(9103):637-41. PMID: 9500320"
    )
    report = run(Recorder(), lancet)
    [finding] = findings(report, "reference-retracted")
    assert finding.severity == "error"
    assert finding.message == (
        "Reference 1 has been retracted or withdrawn: PubMed records a retraction in PMID 20137807 of 2010: "
        "https://pubmed.ncbi.nlm.nih.gov/20137807/"
    )


def test_journal_article_without_issn_is_a_warning_with_the_evidence():
    line = cite("10.5555/no.issn", "Honey for cough in children", "International Journal of Example Remedies")
    [finding] = findings(run(Recorder(), line), "source-no-issn")
    assert finding.severity == "warning"
    assert finding.message == (
        "Reference 1: Crossref's record for 10.5555/no.issn is a journal article whose journal "
        '("International Journal of Example Remedies") has no ISSN'
    )


def test_metadata_disagreeing_with_the_registry_names_each_field():
    line = cite("10.5555/mismatch", "Aspirin for primary prevention", "Lancet", 2015, author="Smith J")
    report = run(Recorder(), line, year=2026)
    [title, year] = [f.message for f in findings(report, "metadata-mismatch")]
    assert 'gives the title "Tranexamic acid in trauma haemorrhage"' in title
    assert "gives the year 2018, not 2015" in year
    [author] = findings(report, "metadata-author-mismatch")
    assert author.severity == "warning"
    assert author.message == 'Reference 1: Crossref gives the first author "Okafor" for 10.5555/mismatch, not "Smith J"'
    [journal] = findings(report, "metadata-journal-mismatch")
    assert 'gives the journal "Annals of Example Surgery" for 10.5555/mismatch, not "Lancet"' in journal.message


def test_normalised_metadata_is_no_mismatch():
    # Abbreviated journal, initials and case differ from the registry, but agree once normalised.
    line = JCO.replace("Loblaw DA", "LOBLAW D") + " doi:10.1200/JCO.1998.16.4.1613"
    report = run(Recorder(), line, year=2000)
    assert report.findings == []


def test_timeout_records_the_failed_registry_and_flags_no_notice():
    recorder = Recorder(timeout_hosts={"api.crossref.org"})
    report = run(recorder, cite("10.5555/notice.only"))
    assert [f.rule for f in report.findings] == ["reference-unverifiable"]
    [status] = resolver_registries(recorder, cite("10.5555/notice.only"))
    assert status["registry"] == "Crossref" and status["answered_at"] == ""
    assert "did not answer in time" in status["error"]


def test_notices_are_cached_with_their_fetch_time():
    recorder = Recorder()
    run(recorder, cite("10.5555/notice.only"))
    run(recorder, cite("10.5555/notice.only"))
    assert len(recorder.requests) == 3  # the work, its updating notices and the NLM Catalog, each fetched once
    assert ResolverLookup.objects.filter(source="crossref-updates", identifier="10.5555/notice.only").exists()
    work = ResolverLookup.objects.get(source="crossref", identifier="10.5555/notice.only")
    registry, _catalog = resolver_registries(recorder, cite("10.5555/notice.only"))
    assert registry["answered_at"] == work.fetched_at.isoformat()  # when the oldest cached answer was fetched


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("retraction", notices.RETRACTION),
        ("partial_retraction", notices.PARTIAL_RETRACTION),
        ("Expression of Concern", notices.EXPRESSION_OF_CONCERN),
        ("expression-of-concern", notices.EXPRESSION_OF_CONCERN),
        ("correction", notices.CORRECTION),
        ("Erratum", notices.CORRECTION),
        ("withdrawal", notices.WITHDRAWAL),
        ("removal", notices.REMOVAL),
        ("new_version", None),
        ("addendum", None),
    ],
)
def test_crossref_update_types_map_to_kinds(value, kind):
    assert notices.crossref_kind(value) == kind


def test_one_notice_per_event_when_both_places_record_it():
    entry = {"DOI": "10.5555/n", "type": "retraction", "source": "publisher", "updated": {"date-parts": [[2020, 1]]}}
    work = {"updated-by": [entry], "relation": {"is-retracted-by": [{"id-type": "doi", "id": "10.5555/n"}]}}
    updates = [{"DOI": "10.5555/N", "update-to": [{**entry, "DOI": "10.5555/x"}]}]
    [notice] = notices.crossref_notices(doi="10.5555/x", work=work, updates=updates)
    assert (notice.kind, notice.doi, notice.date, notice.url) == (
        "retraction",
        "10.5555/n",
        "2020-01",
        "https://doi.org/10.5555/n",
    )


def test_pubmed_links_and_publication_types():
    summary = {
        "uid": "1",
        "pubtype": ["Journal Article", "Retracted Publication"],
        "references": [
            {"refsource": "J Ex. 2021;1:2", "reftype": "Expression of concern in", "pmid": 11},
            {"refsource": "J Ex. 2022", "reftype": "ErratumIn", "pmid": 12},
            {"refsource": "J Ex. 2023", "reftype": "Update in", "pmid": 13},
            {"refsource": "J Ex. 2023", "reftype": "Comment in", "pmid": 14},
        ],
    }
    found = [(n.kind, n.pmid, n.url) for n in notices.pubmed_notices(summary=summary)]
    assert found == [
        ("expression_of_concern", "11", "https://pubmed.ncbi.nlm.nih.gov/11/"),
        ("correction", "12", "https://pubmed.ncbi.nlm.nih.gov/12/"),
        ("correction", "13", "https://pubmed.ncbi.nlm.nih.gov/13/"),
        ("retraction", "1", "https://pubmed.ncbi.nlm.nih.gov/1/"),  # the type alone: the article's own page
    ]


def test_published_version_reference_replaces_the_preprint_keeping_its_number():
    from articles.validation.preprints import published_version_reference
    from articles.validation.resolvers import RegistryResolver
    from tests.articles.validation.test_resolvers import refs, resolver_for

    [preprint] = refs(cite("10.1101/2020.04.01.20050000", "Prone positioning in awake patients", "medRxiv", 2020))
    preprint["pmid"], preprint["number"] = "99999999", 4
    resolver: RegistryResolver = resolver_for(Recorder())
    record = resolver.crossref(doi="10.5555/prone.published")
    new = published_version_reference(reference=preprint, published_doi="doi:10.5555/PRONE.published", record=record)
    assert (new["number"], new["kind"], new["authors"]) == (4, preprint["kind"], "Example A")
    assert new["title"] == "Awake prone positioning in hypoxaemic respiratory failure: a randomised trial"
    assert (new["source"], new["year"], new["pmid"]) == ("Journal of Example Medicine", 2021, "")
    assert new["doi"] == "10.5555/prone.published"
    assert new["raw"] == (
        "Example A. Awake prone positioning in hypoxaemic respiratory failure: a randomised trial. "
        "Journal of Example Medicine. 2021. doi:10.5555/prone.published"
    )
    offline = published_version_reference(reference=preprint, published_doi="10.5555/prone.published")
    assert (offline["title"], offline["year"], offline["source"]) == (preprint["title"], 2020, "")
    with pytest.raises(ValueError):
        published_version_reference(reference=preprint, published_doi="not a doi")


WAKEFIELD_TITLE = (
    "Ileal-lymphoid-nodular hyperplasia, non-specific colitis, and pervasive developmental disorder in children"
)


def test_pubmed_notices_are_added_to_a_doi_reference_with_a_pmid():
    # Crossref knows nothing about this DOI's retraction; PubMed does, through the PMID.
    line = cite("10.1200/JCO.1998.16.4.1613", WAKEFIELD_TITLE, "Lancet", 1998) + " PMID: 9500320"
    recorder = Recorder()
    report = run(recorder, line)
    [finding] = findings(report, "reference-retracted")
    assert finding.message.endswith("PubMed records a retraction in PMID 20137807 of 2010: "
                                    "https://pubmed.ncbi.nlm.nih.gov/20137807/")  # fmt: skip
    assert {r.url.host for r in recorder.requests} == {"api.crossref.org", "eutils.ncbi.nlm.nih.gov"}


def test_the_same_event_in_both_registries_is_one_notice():
    line = cite("10.5555/notice.only", "Early mobilisation after hip fracture surgery: a cohort study")
    report = run(Recorder(), line + " PMID: 9500320")
    [finding] = findings(report, "reference-retracted")
    assert "Crossref (publisher) records a retraction notice 10.5555/notice.only.retraction" in finding.message


def test_crossref_outage_leaves_pubmed_to_answer_for_a_reference_with_both():
    line = cite("10.5555/notice.only", WAKEFIELD_TITLE, "Lancet", 1998) + " PMID: 9500320"
    report = run(Recorder(timeout_hosts={"api.crossref.org"}), line)
    assert [f.rule for f in findings(report, "reference-retracted")] == ["reference-retracted"]
    assert "PMID 20137807" in findings(report, "reference-retracted")[0].message
    assert findings(report, "reference-unverifiable") == []
