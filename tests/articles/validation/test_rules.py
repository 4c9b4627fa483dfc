"""Each rule fires on a faulty article and stays quiet on a clean one."""

import pytest

from articles.validation.engine import validate
from articles.validation.references import parse_reference

CLEAN_BODY = """Radiation therapy is first-line for most patients [1].
Dexamethasone 16 mg/day is usual [2, 3], and surgery suits selected patients [3].
About 60% of patients walk again [2]."""
CLEAN_REFERENCES = [
    "[Guideline] Loblaw DA, Mitera G. Malignant spinal cord compression guideline. "
    "J Clin Oncol. 2021;30(25):3136-40. doi:10.1200/JCO.2011.42.0000",
    "[Research] Patchell RA, Tibbs PA. Direct decompressive surgical resection in the treatment "
    "of spinal cord compression. Lancet. 2015;366(9486):643-8. PMID: 16112300",
    "[RCT] Sorensen S, Helweg-Larsen S. Effect of high-dose dexamethasone in carcinomatous "
    "metastatic spinal cord compression. Eur J Cancer. 2019;30A(1):22-7. PMID: 8142159",
]
ALL_RULES = {
    "references-missing", "citation-missing-reference", "citation-range-invalid",
    "reference-duplicate", "identifier-invalid", "reference-incomplete", "year-invalid",
    "reference-retracted", "reference-uncited", "citation-order", "reference-outdated",
    "evidence-animal", "claim-uncited", "metadata-mismatch", "reference-unverifiable",
}  # fmt: skip


def refs(lines):
    return [parse_reference(text, number=n).as_dict() for n, text in enumerate(lines, start=1)]


def check(body=CLEAN_BODY, lines=CLEAN_REFERENCES, **kwargs):
    kwargs.setdefault("year", 2026)
    return validate(body=body, references=refs(lines), **kwargs)


def fired(report, rule):
    return [f for f in report.findings if f.rule == rule]


def test_clean_article_has_no_findings():
    report = check()
    assert report.findings == []
    assert (report.errors, report.warnings, report.infos, report.has_errors) == (0, 0, 0, False)


@pytest.mark.parametrize("rule", sorted(ALL_RULES))
def test_each_rule_is_quiet_on_the_clean_article(rule):
    assert fired(check(), rule) == []


def test_references_missing():
    [finding] = fired(check(lines=[], body="Some text [1]."), "references-missing")
    assert (finding.severity, finding.line) == ("error", 1)
    assert "no references" in finding.message
    # One finding for the missing list, not one per dangling marker as well.
    assert fired(check(lines=[], body="Text [1] [2]."), "citation-missing-reference") == []
    assert fired(check(lines=[], body="   "), "references-missing") == []


def test_citation_missing_reference_names_marker_number_and_file_line():
    report = check(body=CLEAN_BODY + "\nSee also [4, 5].", body_line=10)
    findings = fired(report, "citation-missing-reference")
    assert [(f.reference, f.line, f.severity) for f in findings] == [
        (4, 13, "error"),
        (5, 13, "error"),
    ]
    assert findings[0].message == ("Marker [4, 5] on line 13 cites reference 4, which is not in the list of 3")


@pytest.mark.parametrize("marker", ["[3-1]", "[1-999]", "[0]"])
def test_citation_range_invalid(marker):
    [finding] = fired(check(body=CLEAN_BODY + f" More {marker}."), "citation-range-invalid")
    assert finding.severity == "error" and marker in finding.message and finding.line == 3


def test_reference_duplicate_by_identifier_and_by_title():
    by_pmid = [*CLEAN_REFERENCES, "[Research] Someone X. Another title. BMJ. 2020. PMID: 16112300"]
    [finding] = fired(check(body=CLEAN_BODY + " [4]", lines=by_pmid), "reference-duplicate")
    assert (finding.reference, finding.severity) == (4, "error")
    assert "same PMID 16112300" in finding.message
    by_title = [
        *CLEAN_REFERENCES,
        "[Research] Patchell RA. Direct decompressive surgical resection in the treatment "
        "of spinal cord compression! Lancet. 2015.",
    ]
    [finding] = fired(check(body=CLEAN_BODY + " [4]", lines=by_title), "reference-duplicate")
    assert "duplicates reference 2 (same title and year)" in finding.message


def test_parts_of_a_series_are_not_duplicates():
    lines = [
        "[Research] Smith J. Spinal cord compression, part 1. BMJ. 2020. PMID: 111",
        "[Research] Smith J. Spinal cord compression, part 2. BMJ. 2020. PMID: 222",
    ]
    assert fired(check(body="A [1]. B [2].", lines=lines), "reference-duplicate") == []


def test_same_title_in_another_year_is_not_a_duplicate():
    lines = [*CLEAN_REFERENCES, CLEAN_REFERENCES[0].replace("2021", "2011").split(" doi:")[0]]
    assert fired(check(body=CLEAN_BODY + " [4]", lines=lines), "reference-duplicate") == []


@pytest.mark.parametrize(
    ("identifier", "needle"),
    [
        ("PMID: 0123", "PMID '0123'"),
        ("doi: 10.10O0/abc", "DOI '10.10O0/abc'"),
        ("ISBN 978-9024538271", "the check digit is wrong"),
        ("ISSN 0140-6737", "ISSN '0140-6737'"),
    ],
)
def test_identifier_invalid(identifier, needle):
    lines = [*CLEAN_REFERENCES[:2], CLEAN_REFERENCES[2].split(" PMID")[0] + " " + identifier]
    [finding] = fired(check(lines=lines, reference_lines={3: 40}), "identifier-invalid")
    assert (finding.reference, finding.line, finding.severity) == (3, 40, "error")
    assert needle in finding.message


def test_reference_incomplete():
    lines = [*CLEAN_REFERENCES[:2], "[RCT] Just a title with no source. PMID: 8142159"]
    [finding] = fired(check(lines=lines), "reference-incomplete")
    assert finding.message == "Reference 3 has no source or year"


@pytest.mark.parametrize("year", [2030, 1700])
def test_year_invalid(year):
    lines = [*CLEAN_REFERENCES[:2], CLEAN_REFERENCES[2].replace("2019", str(year))]
    [finding] = fired(check(lines=lines), "year-invalid")
    assert f"has year {year}, outside 1800-2026" in finding.message


def test_reference_uncited():
    [finding] = fired(check(body="Radiation first [1]. Steroids [2]."), "reference-uncited")
    assert (finding.reference, finding.severity) == (3, "warning")


def test_citation_order():
    body = "Steroids [2]. Radiation [1]. Surgery [3]."
    [finding] = fired(check(body=body), "citation-order")
    assert finding.reference == 2
    assert "before reference 1" in finding.message


def test_reference_outdated_uses_settings(settings):
    settings.REFERENCE_MAX_AGE_OTHER = 5
    settings.REFERENCE_MAX_AGE_GUIDELINE = 3
    findings = fired(check(), "reference-outdated")
    # 2021 guideline is 5 years old (> 3); 2015 and 2019 research are 11 and 7 years (> 5).
    assert [f.reference for f in findings] == [1, 2, 3]
    settings.REFERENCE_MAX_AGE_GUIDELINE = 10
    settings.REFERENCE_MAX_AGE_OTHER = 20
    assert [f.reference for f in fired(check(year=2032), "reference-outdated")] == [1]
    assert fired(check(year=2031), "reference-outdated") == []


@pytest.mark.parametrize(
    "line",
    [
        "[Research] Results of myelography in seven dogs. Vet Radiol Ultrasound. 2002.",
        "[Animal study] Spinal cord injury outcomes. J Neurotrauma. 2020. PMID: 1234",
        "[Research] Steroids after injury in rats. J Neurotrauma. 2020. PMID: 1234",
    ],
)
def test_evidence_animal(line):
    lines = [*CLEAN_REFERENCES[:2], line]
    [finding] = fired(check(lines=lines), "evidence-animal")
    assert (finding.reference, finding.severity) == (3, "warning")


@pytest.mark.parametrize(
    "sentence",
    [
        "Give 30 mg/kg IV.",
        "Melphalan 9 mg/m² daily.",
        "Vitamin D 800 IU.",
        "Radiation of 8 Gy works.",
        "Relief in 50-58% of cases.",
        "- Heparin 5000 units twice daily",
    ],
)
def test_claim_uncited(sentence):
    body = CLEAN_BODY + "\n" + sentence
    [finding] = fired(check(body=body, body_line=5), "claim-uncited")
    assert (finding.line, finding.severity) == (8, "warning")


def test_claim_with_marker_after_the_full_stop_is_cited():
    body = CLEAN_BODY + "\nRelief in 80% of patients. [1]\nFor 23 hours at age 65 [2]."
    assert fired(check(body=body), "claim-uncited") == []


def test_two_uncited_claims_on_one_line_have_distinct_keys():
    body = "Dexamethasone 16mg/day helps. Relief in 50% of cases. Fine [1] [2] [3]."
    findings = fired(check(body=body), "claim-uncited")
    assert len(findings) == 2
    assert len({f.key for f in findings}) == 2


def test_reference_unverifiable_without_identifiers():
    lines = [*CLEAN_REFERENCES[:2], "[Research] A title. A journal. 2020."]
    [finding] = fired(check(lines=lines), "reference-unverifiable")
    assert (finding.reference, finding.severity) == (3, "info")


def test_finding_key_is_stable():
    first = check(body=CLEAN_BODY + " [9]").findings[0]
    again = check(body=CLEAN_BODY + " [9]").findings[0]
    assert first.key == again.key
    assert first.key.startswith("citation-missing-reference:9:3:")


def test_report_dict_shape():
    data = check(body=CLEAN_BODY + " [9]").as_dict()
    assert list(data) == ["references", "citations", "findings", "summary"]
    assert list(data["references"][0]) == [
        "number", "kind", "title", "source", "year", "doi", "pmid", "pmcid", "isbn", "issn", "url",
    ]  # fmt: skip
    assert data["citations"][1] == {"marker": "[2, 3]", "numbers": [2, 3], "line": 2}
    assert list(data["findings"][0]) == ["rule", "severity", "reference", "line", "message"]
    assert data["summary"] == {"errors": 1, "warnings": 0, "infos": 0}


def test_garbage_input_gives_findings_not_exceptions():
    report = validate(
        body="[5-2] [1-999] [[ ]] \x00\ufffd",
        references=[{"number": 1}, {"number": "x"}, {"number": 2, "year": "nonsense"}],
        year=2026,
    )
    assert report.has_errors


def test_claim_in_a_sentence_wrapped_over_two_lines_is_cited_by_its_marker():
    body = (
        CLEAN_BODY
        + "\nGive dexamethasone 16 mg as a loading dose, then continue\nat a lower dose while planning [1].\n"
    )
    assert fired(check(body=body), "claim-uncited") == []


def test_claim_in_a_wrapped_sentence_without_marker_names_its_own_line():
    body = CLEAN_BODY + "\nThen a paragraph.\nGive 16 mg as a loading dose, then continue\nat a lower dose.\n"
    findings = fired(check(body=body), "claim-uncited")
    assert len(findings) == 1 and "16 mg" in findings[0].message
    assert findings[0].line == CLEAN_BODY.count("\n") + 3


def test_a_stored_year_in_other_digits_is_incomplete_not_a_crash():
    references = refs(CLEAN_REFERENCES)
    references[0]["year"] = "²⁰¹⁹"
    report = validate(body=CLEAN_BODY, references=references, year=2026)
    assert any(f.rule == "reference-incomplete" and f.reference == 1 for f in report.findings)
