"""The demo samples are clean articles: no citation, claim, promotion or reference rule fires.

Two rules are left out on purpose: the samples cite classic studies and books, so the age
warning (which depends on the check year) and the "no identifier" info are expected there.
"""

from pathlib import Path

import pytest

from articles.fileformat import parse_article_file
from articles.management.commands.check_references import check_article

EXPECTED_IN_SAMPLES = {"reference-outdated", "reference-unverifiable"}
SAMPLES = sorted((Path(__file__).resolve().parents[3] / "articles" / "samples").glob("*.md"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_no_rule_fires_on_a_demo_sample(path):
    report = check_article(article=parse_article_file(path), year=2026)
    assert [f.message for f in report.findings if f.rule not in EXPECTED_IN_SAMPLES] == []


def test_there_are_samples():
    assert len(SAMPLES) >= 5
