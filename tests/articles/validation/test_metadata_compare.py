"""The metadata rules (title and year; first author; journal) share one reading of what a registry
answered and one comparison: each finding names what the registry gives, in the same words."""

from articles.validation import metadata, rules, source_rules
from articles.validation.base import Context, Resolution

REF = {"number": 2, "title": "Acute cord compression", "authors": "Loblaw DA, Laperriere NJ",
       "source": "J Clin Oncol", "year": 1998}  # fmt: skip


def _context(resolution: Resolution) -> Context:
    return Context(
        body="Text [2].", markers=[], references=[REF, {"number": 3, "title": "Unresolved"}], body_line=5,
        reference_lines={2: 12, 3: 13}, year=2026, max_age_guideline=5, max_age_other=10,
        resolutions={2: resolution, 3: Resolution(ok=False, reason="timeout")},
    )  # fmt: skip


def test_only_references_a_registry_answered_for_are_compared():
    ctx = _context(Resolution(ok=True, source="Crossref", identifier="10.1/x"))
    assert [(ref["number"], line) for ref, _resolution, line in metadata.answered(ctx)] == [(2, 12)]


def test_alike_allows_a_typo_and_refuses_another_value():
    assert metadata.alike("acute cord compression", "acute cord compression")
    assert metadata.alike("acute cord compresion", "acute cord compression")
    assert not metadata.alike("acute cord compression", "chronic cord compression")
    assert not metadata.alike("", "lancet")  # an entered value that normalises to nothing is not the journal


def test_every_metadata_rule_words_its_finding_the_same_way():
    resolution = Resolution(
        ok=True, source="Crossref", identifier="10.1200/JCO.1998.16.4.1613", title="Chronic back pain",
        years=(1999,), first_author="Smith", journals=("The Lancet",), work_type="journal-article",
    )  # fmt: skip
    ctx = _context(resolution)
    found = [
        *rules.metadata_mismatch(ctx),
        *source_rules.metadata_author_mismatch(ctx),
        *source_rules.metadata_journal_mismatch(ctx),
    ]
    prefix = "Reference 2 (line 12): Crossref gives the "
    assert [message.removeprefix(prefix) for _number, _line, message in found] == [
        'title "Chronic back pain" for 10.1200/JCO.1998.16.4.1613',
        "year 1999, not 1998",
        'first author "Smith" for 10.1200/JCO.1998.16.4.1613, not "Loblaw DA"',
        'journal "The Lancet" for 10.1200/JCO.1998.16.4.1613, not "J Clin Oncol"',
    ]
    assert all(message.startswith(prefix) and (number, line) == (2, 12) for number, line, message in found)


def test_the_journal_rule_keeps_abbreviations_alike():
    resolution = Resolution(
        ok=True, source="Crossref", identifier="10.1/x", journals=("Journal of Clinical Oncology",),
        work_type="journal-article",
    )  # fmt: skip
    assert list(source_rules.metadata_journal_mismatch(_context(resolution))) == []
