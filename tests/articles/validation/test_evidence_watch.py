"""The evidence watch over every kind of notice: only errors act, everything is recorded, outages flag nothing."""

import pytest
from django.core import mail

from articles.models import Article, ValidationReport
from reviews.jobs.evidence import evidence_watch
from reviews.models import TransitionLog, ValidationOverride
from tests.articles.validation.test_resolvers import Recorder, resolver_for
from tests.reviews.test_evidence import _published

pytestmark = pytest.mark.django_db


def watch(recorder, callbacks):
    with callbacks(execute=True):
        return evidence_watch(resolver=resolver_for(recorder))


def newest_findings(article):
    report = ValidationReport.objects.filter(revision=article.live_publication.revision).latest("created_at", "pk")
    return {(f["reference"], f["rule"], f["severity"]) for f in report.findings}


def test_retraction_recorded_only_as_a_separate_notice_starts_rereview_and_tells_editors(
    editor, django_capture_on_commit_callbacks
):
    article = _published(doi="10.5555/notice.only")
    [alert] = watch(Recorder(), django_capture_on_commit_callbacks)
    assert (alert.references, alert.rereview_started) == ((1,), True)
    assert (1, "reference-retracted", "error") in alert.found
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert "cited work retracted since approval: reference 1" in TransitionLog.objects.get(article=article).reason
    [message] = [m for m in mail.outbox if editor.email in m.to and "Retracted work" in m.subject]
    assert "https://doi.org/10.5555/notice.only.retraction" in message.body


def test_new_expression_of_concern_starts_rereview_without_a_retraction_email(
    editor, django_capture_on_commit_callbacks
):
    article = _published(doi="10.5555/concern")
    [alert] = watch(Recorder(), django_capture_on_commit_callbacks)
    assert alert.rereview_started
    assert "cited work under concern since approval" in TransitionLog.objects.get(article=article).reason
    assert not [m for m in mail.outbox if "Retracted work" in m.subject]


def test_acknowledged_expression_of_concern_starts_nothing(chief, django_capture_on_commit_callbacks):
    from articles.validation import reports

    article = _published(doi="10.5555/concern")
    revision = article.live_publication.revision
    checked = reports.report_check_online(revision=revision, resolver=resolver_for(Recorder()))
    [key] = [f["key"] for f in checked.findings if f["rule"] == "reference-concern"]
    ValidationOverride.objects.create(
        article=article, revision=revision.number, rules=[key],
        reason="The concern is about figure 3, which the article does not cite", actor=chief,
    )  # fmt: skip
    assert watch(Recorder(), django_capture_on_commit_callbacks) == []
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    assert (1, "reference-concern", "error") in newest_findings(article)  # still recorded


@pytest.mark.parametrize(
    ("doi", "rule"),
    [("10.5555/corrected", "reference-corrected"), ("10.1101/2020.04.01.20050000", "reference-preprint")],
)
def test_corrections_and_superseded_preprints_are_recorded_per_reference_and_start_nothing(
    doi, rule, django_capture_on_commit_callbacks
):
    article = _published(doi=doi)
    assert watch(Recorder(), django_capture_on_commit_callbacks) == []
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    assert (1, rule, "warning") in newest_findings(article)
    assert not mail.outbox


def test_outage_stores_and_flags_nothing(django_capture_on_commit_callbacks):
    article = _published(doi="10.5555/notice.only")
    reports_before = ValidationReport.objects.count()
    recorder = Recorder(timeout_hosts={"api.crossref.org", "eutils.ncbi.nlm.nih.gov"})
    assert watch(recorder, django_capture_on_commit_callbacks) == []
    assert ValidationReport.objects.count() == reports_before
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED and not mail.outbox
