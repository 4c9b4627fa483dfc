"""References as people write them: wrapped entries and loosely written identifiers."""

import pytest

from articles.fileformat import parse_article_text
from articles.validation.engine import validate
from articles.validation.identifiers import IdentifierError, normalize_doi
from articles.validation.references import parse_reference

BASE = "Hoang T, Ruiz M. Splints for wrist sprains. Hand Ther. 2021;9(2):40-6."


def test_a_wrapped_markdown_entry_continues_on_the_next_line():
    article = parse_article_text(
        "---\ntitle: Wrist sprains\n---\nSplints help [1] and so does rest [2].\n\n## References\n"
        "1. [RCT] Hoang T, Ruiz M. Splints for wrist\nsprains. Hand Ther. 2021;9(2):40-6.\n"
        "   doi:10.5555/ht.2021.40\n"
        "2. [Cohort] Berg A. Rest after\nwrist injury. Hand Ther. 2019.\n"
    )
    first, second = article.references
    assert (first.number, first.line) == (1, 7)
    assert first.text == f"[RCT] {BASE} doi:10.5555/ht.2021.40"
    assert (second.number, second.line) == (2, 10)
    assert second.text == "[Cohort] Berg A. Rest after wrist injury. Hand Ther. 2019."
    parsed = parse_reference(first.text, number=1)
    assert (parsed.title, parsed.source, parsed.year, parsed.doi) == (
        "Splints for wrist sprains", "Hand Ther", 2021, "10.5555/ht.2021.40"
    )  # fmt: skip


def test_a_wrapped_page_format_title_belongs_to_its_entry():
    article = parse_article_text(
        "Wrist sprains\n\nSplints help 1\n\nReferences\n\nResearch\n\nSplints for\nwrist sprains in adults.\n\n"
        "Hand therapy journal, 2021\n\nGuideline\n\nWrist care.\n\nHand society, 2020\n"
    )
    assert [e.text for e in article.references] == [
        "[Research] Splints for wrist sprains in adults. Hand therapy journal. 2021.",
        "[Guideline] Wrist care. Hand society. 2020.",
    ]


@pytest.mark.parametrize(
    ("written", "doi"),
    [
        ("doi.org/10.5555/HT.2021.40", "10.5555/ht.2021.40"),
        ("DOI.ORG/10.5555/ht.2021.40.", "10.5555/ht.2021.40"),
        ("dx.doi.org/10.5555/ht.2021.40", "10.5555/ht.2021.40"),
        ("www.doi.org/10.5555/ht.2021.40", "10.5555/ht.2021.40"),
        ("HTTPS://DOI.ORG/10.5555/ht.2021.40", "10.5555/ht.2021.40"),
        ("Doi :  10.5555/ht.2021.40 ;", "10.5555/ht.2021.40"),
        ("info:doi/10.5555/ht.2021.40", "10.5555/ht.2021.40"),
        ("doi:10.1000.10/ht-40", "10.1000.10/ht-40"),  # a subdivided registrant prefix
        ("doi:10.123456789/ht.40", "10.123456789/ht.40"),  # a nine-digit registrant code
        ("doi:10.1002/(SICI)1097-0258(19980815)17:15<1661::AID-SIM968>3.0.CO;2-2", None),
    ],
)
def test_loosely_written_dois_are_normalised(written, doi):
    parsed = parse_reference(f"{BASE} {written}", number=1)
    expected = doi or "10.1002/(sici)1097-0258(19980815)17:15<1661::aid-sim968>3.0.co;2-2"
    assert parsed.doi == expected
    assert (parsed.title, parsed.year) == ("Splints for wrist sprains", 2021)


@pytest.mark.parametrize(
    ("written", "pmid", "pmcid"),
    [
        ("pmid 12345678", "12345678", ""),
        ("PubMed ID: 12345678.", "12345678", ""),
        ("pmcid: pmc7654321", "", "PMC7654321"),
        ("PMC ID: PMC7654321", "", "PMC7654321"),
        ("PMID: PMC7654321", "", "PMC7654321"),
    ],
)
def test_loosely_written_pubmed_identifiers(written, pmid, pmcid):
    parsed = parse_reference(f"{BASE} {written}", number=1)
    assert (parsed.pmid, parsed.pmcid) == (pmid, pmcid)


def check(text):
    ref = parse_reference(text, number=1).as_dict()
    report = validate(body="Splints help [1].", references=[ref], year=2026)
    return [(f.rule, f.severity, f.message) for f in report.findings if f.rule != "reference-unverifiable"]


def test_a_pmcid_written_as_a_pmid_is_a_finding():
    [(rule, severity, message)] = check(f"{BASE} PMID: PMC7654321")
    assert (rule, severity) == ("identifier-mislabelled", "warning")
    assert message == (
        'Reference 1: "PMID: PMC7654321" is a PMCID written as a PMID; '
        "it is read as PMCID PMC7654321, so label it PMCID"
    )


def test_a_doi_written_as_a_pmid_is_a_finding():
    findings = check(f"{BASE} PMID: 10.5555/ht.2021.40")
    assert [rule for rule, _, _ in findings] == ["identifier-mislabelled"]
    assert "is a DOI written as a PMID" in findings[0][2]


@pytest.mark.parametrize(
    "written",
    ["doi: 10.5555/ ht.2021.40", "PMCID: 7654321", "PMID: 1234S678", "doi:11.5555/x"],
)
def test_what_is_ambiguous_is_flagged_not_repaired(written):
    findings = check(f"{BASE} {written}")
    assert any(rule == "identifier-invalid" and severity == "error" for rule, severity, _ in findings), findings


def test_a_doi_is_never_mangled():
    assert normalize_doi("10.1016/S0140-6736(05)66954-1") == "10.1016/s0140-6736(05)66954-1"
    with pytest.raises(IdentifierError):
        normalize_doi("10.1016/ j.jacr")
