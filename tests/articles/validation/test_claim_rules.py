"""Claims that need a source, claims that rest on animal studies, self-citation, promotion."""

import pytest

from articles.validation.engine import validate

REF = "[RCT] Doe J. A trial of knee bracing. J Knee Med. 2022;4(1):1-9. doi:10.1234/jkm.1"


def ref(number, kind="rct", title="A trial of knee bracing", source="J Knee Med", authors="Doe J"):
    return {
        "number": number, "kind": kind, "authors": authors, "title": title, "source": source,
        "year": 2022, "doi": f"10.1234/jkm.{number}",
    }  # fmt: skip


def findings(body, references=(), rule=None):
    report = validate(body=body, references=list(references), year=2026)
    return [f for f in report.findings if rule is None or f.rule == rule]


@pytest.mark.parametrize(
    ("sentence", "claim"),
    [
        ("The clinic has treated 12,400 patients with this brace.", "12,400 patients"),
        ("Surgeons perform over 300 spinal operations a year.", "300 spinal operations"),
        ("About 1 in 4 adults will have knee pain.", "1 in 4"),
        ("Runners were 3\u00d7 higher in risk.", "3\u00d7 higher"),
        ("Bracing halves the risk of a second tear.", "halves the risk"),
        ("Smokers were twice as likely to need surgery.", "twice as likely"),
        ("The hazard ratio was 0.72 for bracing.", "hazard ratio was 0.72"),
        ("The odds ratio of 1.8 favoured early rehab.", "odds ratio of 1.8"),
        ("Bracing had an NNT of 8 over one year.", "NNT of 8"),
        ("Median survival of 14 months was reported.", "survival of 14 months"),
        ("The 5-year survival is good.", "5-year survival"),
        ("The difference was clear (p < 0.01) in the trial.", "p < 0.01"),
        ("Pain falls by up to 60% with bracing.", "60%"),
        ("The procedure has a success rate of 95 percent.", "95 percent"),
    ],
)
def test_an_uncited_number_claim_is_a_finding_with_its_sentence(sentence, claim):
    [finding] = findings(sentence, rule="claim-uncited")
    assert finding.line == 1
    assert f'states "{claim}" without a citation' in finding.message
    assert sentence[:30] in finding.message


@pytest.mark.parametrize(
    "sentence",
    [
        "The clinic has treated 12,400 patients with this brace [1].",
        "People with Type 2 diabetes patients heal slowly.",
        "Most people recover within a few weeks.",
        "Two patients asked about stage 3 disease.",
    ],
)
def test_cited_or_ordinary_sentences_are_not_uncited_claims(sentence):
    refs = [ref(1)] if "[1]" in sentence else []
    assert findings(sentence, refs, rule="claim-uncited") == []


def test_a_claim_cited_only_by_an_animal_study_names_the_claim():
    body = "Bracing speeds healing after a tear [1].\nIce cuts swelling by a third [1, 2]."
    refs = [ref(1, title="Bracing in a rabbit model of ligament tear"), ref(2)]
    [finding] = findings(body, refs, rule="claim-animal-only")
    assert (finding.reference, finding.line, finding.severity) == (1, 1, "warning")
    assert finding.message.startswith('Line 1: the claim "Bracing speeds healing after a tear [1]." rests only on')
    assert 'reference 1 ("rabbit")' in finding.message


def test_an_in_vitro_study_counts_as_laboratory_evidence():
    refs = [ref(1, title="Cartilage cell lines exposed to a gel"), ref(2, kind="animal_study", title="Gel in knees")]
    [finding] = findings("The gel rebuilds cartilage [1, 2].", refs, rule="claim-animal-only")
    assert 'references 1 ("cell lines"), 2 (its kind)' in finding.message


def test_the_publisher_cited_as_a_guideline_or_as_its_only_evidence():
    own = ref(1, kind="guideline", source="Knee Clinic Editorial Team", authors="")
    [finding] = findings("Bracing helps [1]. Rest helps [2].", [own, ref(2)], rule="self-citation")
    assert finding.reference == 1 and "as a guideline" in finding.message
    only = ref(1, kind="other", source="Knee Clinic Editors", authors="")
    [finding] = findings("Bracing helps [1].", [only], rule="self-citation")
    assert "as the article's only evidence" in finding.message
    assert findings("Bracing helps [1].", [ref(1)], rule="self-citation") == []


@pytest.mark.parametrize(
    ("sentence", "kind", "phrase"),
    [
        ("Our world-class surgeons fix knees.", "a superlative", "world-class"),
        ("Results are guaranteed for every knee.", "a guarantee", "guaranteed"),
        ("The brace fitting has no downtime at all.", "a recovery promise", "no downtime"),
        ("The injection is painless for most.", "a recovery promise", "painless"),
        ("Book your appointment with the team.", "a call to act", "Book your appointment"),
        ("Call us today about knee pain.", "a call to act", "Call us today"),
        ("Ask for a free consultation this week.", "a price offer", "free consultation"),
        ("Braces are 20% off in June.", "a price offer", "20% off"),
        ("Sessions from $99 each.", "a price offer", "$99"),
        ("The #1 knee clinic in town.", "a superlative", "#1"),
        ("Our results are 100% safe.", "a guarantee", "100% safe"),
        ("A risk-free fitting for everyone.", "a guarantee", "risk-free"),
        ("Read what our patients say about the clinic.", "a testimonial", "our patients say"),
        ("Bracing is safer than surgery.", "a comparison without a source", "safer than"),
    ],
)
def test_promotional_phrases_are_warnings_with_the_phrase(sentence, kind, phrase):
    found = findings(sentence, rule="promotional-language")
    assert found, sentence
    assert found[0].severity == "warning"
    assert found[0].message.startswith(f'Line 1 reads as advertising ({kind}): "{phrase}" in "')


def test_a_sourced_comparison_is_not_promotion():
    assert findings("Bracing is safer than surgery [1].", [ref(1)], rule="promotional-language") == []


def test_ordinary_medical_wording_is_not_promotion():
    body = (
        "MRI is the best way to see the cord. Its soft-tissue contrast is unmatched.\n"
        "Pain after surgery is usual and fades. Call your doctor if the wound reddens."
    )
    assert findings(body, rule="promotional-language") == []


def test_an_article_that_is_mostly_promotion_gets_one_summary_finding():
    body = (
        "Our world-class team treats knees.\nKnee pain is common.\n"
        "Book now for a free consultation.\nEvery visit is painless with no downtime."
    )
    [summary] = findings(body, rule="promotional-article")
    assert summary.message.startswith("The article is mostly promotion: 3 of its 4 sentences advertise")
    assert findings(body + "\n" + "Knee pain is common. " * 5, rule="promotional-article") == []
