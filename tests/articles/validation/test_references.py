import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.validation.references import KINDS, kind_for_label, parse_reference

DICT_KEYS = [
    "number", "kind", "authors", "title", "source", "year", "details",
    "doi", "pmid", "pmcid", "isbn", "issn", "url", "raw",
]  # fmt: skip


def test_full_reference_line():
    line = (
        "[Research] Loblaw DA, Laperriere NJ. Emergency treatment of malignant extradural "
        "spinal cord compression: an evidence-based guideline. J Clin Oncol. "
        "1998 Apr;16(4):1613-24. doi: 10.1200/JCO.1998.16.4.1613. PMID: 9552073."
    )
    ref = parse_reference(line, number=4)
    assert ref.as_dict() == {
        "number": 4,
        "kind": "research",
        "authors": "Loblaw DA, Laperriere NJ",
        "title": "Emergency treatment of malignant extradural spinal cord compression: an evidence-based guideline",
        "source": "J Clin Oncol",
        "year": 1998,
        "details": "16(4):1613-24",
        "doi": "10.1200/jco.1998.16.4.1613",
        "pmid": "9552073",
        "pmcid": "",
        "isbn": "",
        "issn": "",
        "url": "",
        "raw": line,
    }


def test_page_format_reference_has_no_authors():
    ref = parse_reference(
        "[Guideline] Guideline Directed Topic Overview. Dr.Oracle Medical Advisory Board & Editors. 2025.",
        number=2,
    )
    assert (ref.kind, ref.authors, ref.title, ref.source, ref.year) == (
        "guideline",
        "",
        "Guideline Directed Topic Overview",
        "Dr.Oracle Medical Advisory Board & Editors",
        2025,
    )


def test_identifiers_from_urls_and_labels():
    ref = parse_reference(
        "Smith J, et al. A trial. Lancet. 2020;395:1-10. "
        "https://doi.org/10.1016/S0140-6736(20)30183-5?utm=x PMCID: PMC7711589 "
        "ISBN 978-0-306-40615-7 ISSN 0317-8471 https://example.org/trial.",
        number=1,
    )
    assert (ref.doi, ref.pmcid, ref.isbn, ref.issn, ref.url) == (
        "10.1016/s0140-6736(20)30183-5",
        "PMC7711589",
        "9780306406157",
        "0317-8471",
        "https://example.org/trial",
    )
    assert ref.kind == "other"


def test_invalid_identifiers_are_kept_as_written():
    ref = parse_reference("[Research] A. B. 2000. PMID: 0123 ISBN 978-9024538271", number=1)
    assert (ref.pmid, ref.isbn) == ("0123", "978-9024538271")


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Guideline", "guideline"),
        ("Systematic Review", "systematic_review"),
        ("RCT", "rct"),
        ("Case report", "case_report"),
        ("Animal study", "animal_study"),
        ("expert_opinion", "expert_opinion"),
        ("Whatever", "other"),
        (None, "other"),
    ],
)
def test_kind_labels(label, kind):
    assert kind_for_label(label) == kind


@given(st.text(max_size=300), st.integers(1, 500))
def test_garbage_never_crashes_and_keeps_the_dict_shape(text, number):
    ref = parse_reference(text, number=number)
    assert list(ref.as_dict()) == DICT_KEYS
    assert ref.kind in KINDS
    assert ref.year is None or isinstance(ref.year, int)


def test_one_list_of_reference_fields_matches_the_parser_and_the_model():
    from articles.models import Reference
    from articles.validation.references import REFERENCE_FIELDS

    assert list(REFERENCE_FIELDS) == DICT_KEYS
    stored = [f.name for f in Reference._meta.concrete_fields if f.name not in ("id", "article")]
    assert stored == DICT_KEYS
