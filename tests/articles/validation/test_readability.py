"""The plain-language rules on patient pages: reading grade, long sentences, abbreviations, jargon."""

from pathlib import Path

import pytest

from articles.fileformat import parse_article_file
from articles.validation import readability
from articles.validation.engine import validate
from articles.validation.references import parse_reference

SAMPLES = Path(__file__).resolve().parents[3] / "articles" / "samples"
READABILITY_RULES = {"readability-grade", "readability-long-sentence", "readability-abbreviation", "readability-jargon"}

DENSE = (
    "Intro line for the page.\n"
    "\n"
    "Patients presenting with metastatic epidural spinal cord compression frequently demonstrate progressive "
    "neurological deterioration necessitating urgent corticosteroid administration, and the EBRT regimen is "
    "subsequently individualised according to performance status, histological radiosensitivity and the "
    "anticipated prognosis, which should be discussed comprehensively with the multidisciplinary team [1].\n"
)
PLAIN = (
    "Your back may hurt. Tell your care team soon [1].\n"
    "\n"
    "Radiotherapy uses strong X-rays to shrink the growth. You may have it once, or a few times in a week. "
    "Most people go home the same day. Some feel tired for a while after it. Rest when you need to.\n"
)
REFERENCE = [{"number": 1, "kind": "guideline", "title": "Spinal cord compression: guidance", "year": 2023,
              "source": "NICE", "url": "https://www.nice.org.uk/guidance/ng234"}]  # fmt: skip


def _findings(body: str, audience: str | None):
    report = validate(body=body, references=REFERENCE, audience=audience, year=2026)
    return [f for f in report.findings if f.rule in READABILITY_RULES]


def test_dense_patient_paragraph_gets_every_warning_beside_it():
    found = _findings(DENSE, "patient")
    assert {f.rule for f in found} == READABILITY_RULES
    assert {f.line for f in found} == {3}  # the paragraph's first line
    assert {f.severity for f in found} == {"warning"}
    messages = {f.rule: f.message for f in found}
    assert messages["readability-grade"].startswith("The paragraph at line 3 reads at grade ")
    assert messages["readability-long-sentence"].startswith("A sentence in the paragraph at line 3 has 43 words")
    assert messages["readability-abbreviation"] == (
        '"EBRT" at line 3 is never spelt out: give the full words at first use'
    )
    assert [f.message for f in found if f.rule == "readability-jargon"] == [
        '"metastatic" at line 3 is a medical term: explain it or say "that has spread"',
        '"prognosis" at line 3 is a medical term: explain it or say "the likely outcome"',
    ]


def test_plain_patient_paragraphs_get_no_warning():
    assert _findings(PLAIN, "patient") == []


def test_clinician_pages_are_exempt():
    assert _findings(DENSE, "clinician") == []
    assert _findings(DENSE, None) == []


def test_grade_target_is_a_setting(settings):
    settings.READING_GRADE_TARGET = 40
    settings.READING_LONG_SENTENCE_WORDS = 60
    assert {f.rule for f in _findings(DENSE, "patient")} == {"readability-abbreviation", "readability-jargon"}


def test_explained_terms_and_abbreviations_are_not_flagged():
    body = (
        "External beam radiotherapy (EBRT) aims X-rays at the spine. The cancer may be metastatic, which means "
        "it has spread from where it started. EBRT takes a few minutes each time.\n"
    )
    assert _findings(body, "patient") == []


@pytest.mark.parametrize("grade_of, expected", [("The cat sat on the mat.", -1.4), ("", 0.0)])
def test_flesch_kincaid_grade(grade_of, expected):
    assert readability.grade(grade_of) == expected


@pytest.mark.parametrize("word, count", [("spinal", 2), ("radiotherapy", 5), ("the", 1), ("tumour", 2), ("make", 1)])
def test_syllable_counter(word, count):
    assert readability.syllables(word) == count


@pytest.mark.parametrize("sample", sorted(p.name for p in SAMPLES.glob("*.md") if "audience: patient" in p.read_text()))
def test_demo_patient_samples_read_plainly(sample):
    article = parse_article_file(SAMPLES / sample)
    references = [parse_reference(e.text, number=e.number).as_dict() for e in article.references]
    report = validate(body=article.body, references=references, body_line=article.body_line, audience="patient")
    assert [f.message for f in report.findings if f.rule in READABILITY_RULES] == []


def test_check_references_applies_the_rules_to_a_patient_file(tmp_path):
    from articles.management.commands.check_references import check_article

    path = tmp_path / "dense.md"
    path.write_text("---\ntitle: Dense page\naudience: patient\n---\n" + DENSE.split("\n\n", 1)[1])
    report = check_article(article=parse_article_file(path), year=2026)
    assert {f.rule for f in report.findings} >= READABILITY_RULES
    assert {f.line for f in report.findings if f.rule in READABILITY_RULES} == {5}  # a file line
