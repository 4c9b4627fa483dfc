import pytest

from articles.models import Article, ArticleRevision, ValidationReport
from articles.validation import reports
from articles.validation.references import parse_reference
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_revision(body="Radiation first [1]. Steroids [2].", lines=("[Research] A. B. 2020.",)):
    author = make_user("writer")
    article = Article.objects.create(title="T", slug="t", body=body, author=author)
    references = [parse_reference(text, number=n).as_dict() for n, text in enumerate(lines, 1)]
    return ArticleRevision.objects.create(
        article=article, number=1, title="T", body=body, references=references,
        content_hash="x", reason="first draft",
    )  # fmt: skip


def test_report_create_stores_findings_with_keys_and_counts():
    revision = make_revision()
    report = reports.report_create(revision=revision, use_resolvers=False)
    report.refresh_from_db()
    rules = [f["rule"] for f in report.findings]
    assert "citation-missing-reference" in rules and "reference-unverifiable" in rules
    assert (report.errors, report.resolvers_used) == (1, False)
    dangling = next(f for f in report.findings if f["rule"] == "citation-missing-reference")
    assert dangling["key"].startswith("citation-missing-reference:2:1:")
    assert set(dangling) == {"rule", "severity", "reference", "line", "message", "key"}


def test_latest_report_is_the_newest():
    revision = make_revision()
    assert reports.latest_report(revision=revision) is None
    reports.report_create(revision=revision)
    second = reports.report_create(revision=revision)
    assert reports.latest_report(revision=revision) == second


def test_validate_revision_task_is_idempotent():
    revision = make_revision()
    first = reports.validate_revision.call(revision.pk)
    again = reports.validate_revision.call(revision.pk)
    assert first == again
    assert ValidationReport.objects.filter(revision=revision).count() == 1
    assert reports.validate_revision.call(10**9) is None


def test_report_enqueue_waits_for_commit(tasks, django_capture_on_commit_callbacks):
    revision = make_revision()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        reports.report_enqueue(revision=revision)
    assert tasks.results == []
    callbacks[0]()
    [result] = tasks.results
    assert result.args == [] and result.kwargs == {"revision_id": revision.pk}


def test_revision_with_malformed_references_still_gets_a_report():
    revision = make_revision()
    revision.references = [{"number": 1, "year": "soon"}, "not a dict", {"title": "no number"}]
    revision.save()
    report = reports.report_create(revision=revision)
    assert "reference-incomplete" in {f["rule"] for f in report.findings}
