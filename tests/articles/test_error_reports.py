"""Readers' error reports: the form without an account, the honeypot, the rate limit, the editors' queue
and its states, and the one email to the reporter when a correction is published."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from articles import error_reports, trust
from articles.models import Article, ErrorReport
from tests.factories import make_article, make_publication

S = Article.Status
State = ErrorReport.State


@pytest.fixture
def live(db):
    article = make_article(status=S.APPROVED)
    make_publication(article=article)
    article.refresh_from_db()
    return article


def _report(client, article, address="203.0.113.7", **fields):
    data = {"category": "dose", "message": "The dose in the second paragraph looks ten times too high.", **fields}
    return client.post(f"/articles/{article.slug}/report/", data, REMOTE_ADDR=address)


def test_every_article_page_has_the_report_form(client, live):
    html = client.get(live.get_absolute_url()).content.decode()
    assert f'<form method="post" action="/articles/{live.slug}/report/"' in html
    assert 'name="website"' in html and "<div hidden>" in html  # the honeypot, hidden from people


def test_anonymous_reader_reports_an_error_on_the_revision_they_saw(client, live):
    response = _report(client, live, email="reader@example.org")
    assert response.status_code == 200 and 'data-testid="report-thanks"' in response.content.decode()
    report = ErrorReport.objects.get()
    assert (report.article, report.revision, report.state) == (live, live.live_publication.revision, State.NEW)
    assert report.category == "dose" and report.email == "reader@example.org"


def test_filled_honeypot_is_thanked_and_nothing_is_stored(client, live):
    response = _report(client, live, website="https://spam.example")
    assert response.status_code == 200 and 'data-testid="report-thanks"' in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_bad_report_is_a_400_naming_the_field(client, live):
    response = _report(client, live, category="nonsense", message="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. nonsense is not one of the available choices." in html
    assert "This field is required." in html
    assert not ErrorReport.objects.exists()


def test_rate_limit_per_address(client, live, settings):
    settings.ERROR_REPORTS_PER_HOUR = 2
    assert [_report(client, live).status_code for _ in range(2)] == [200, 200]
    refused = _report(client, live)
    assert refused.status_code == 429 and "several reports in the last hour" in refused.content.decode()
    assert _report(client, live, address="198.51.100.4").status_code == 200  # another address is not limited
    assert ErrorReport.objects.count() == 3


def test_reports_on_unknown_or_unpublished_articles_are_404(client, db):
    assert client.post("/articles/nothing-here/report/", {}).status_code == 404
    draft = make_article()
    assert _report(client, draft).status_code == 404


def test_report_form_refuses_get(client, live):
    assert client.get(f"/articles/{live.slug}/report/").status_code == 405


# The queue


def _new_report(article, **fields) -> ErrorReport:
    values = {"category": "reference", "message": "Reference 2 points at the wrong paper.", **fields}
    return error_reports.error_report_submit(article=article, **values)


def test_queue_states_move_only_along_the_allowed_paths(live, editor):
    report = _new_report(live)
    report = error_reports.error_report_triage(report=report, actor=editor)
    assert (report.state, report.state_changed_by) == (State.TRIAGED, editor)
    with pytest.raises(error_reports.ReportRefused, match="is triaged; it cannot be marked triaged"):
        error_reports.error_report_triage(report=report, actor=editor)
    report = error_reports.error_report_fix(report=report, actor=editor)
    assert report.state == State.FIXED
    with pytest.raises(error_reports.ReportRefused, match="is fixed; it cannot be marked dismissed"):
        error_reports.error_report_dismiss(report=report, actor=editor, reason="duplicate")


def test_dismissal_needs_a_reason(live, editor):
    report = _new_report(live)
    with pytest.raises(ValidationError):
        error_reports.error_report_dismiss(report=report, actor=editor, reason="  ")
    report.refresh_from_db()
    assert report.state == State.NEW
    report = error_reports.error_report_dismiss(report=report, actor=editor, reason="The reference is correct.")
    assert (report.state, report.dismissed_reason) == (State.DISMISSED, "The reference is correct.")


def test_reporter_is_emailed_once_when_a_correction_is_published(live, editor, django_capture_on_commit_callbacks):
    fixed = _new_report(live, email="reader@example.org")
    error_reports.error_report_fix(report=fixed, actor=editor)
    _new_report(live, email="waiting@example.org")  # still new: not told yet
    anonymous = _new_report(live)
    error_reports.error_report_fix(report=anonymous, actor=editor)
    publication = live.live_publication
    assert error_reports.error_reports_notify_fixed(publication=publication) == 0  # no correction in the log yet
    trust.publication_change_record(
        publication=publication, kind="correction", reason="Fixed reference 2.", actor=editor
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert error_reports.error_reports_notify_fixed(publication=publication) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert error_reports.error_reports_notify_fixed(publication=publication) == 0
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert mail.outbox[0].subject == f"Corrected: {publication.title}"
    assert live.get_absolute_url() in mail.outbox[0].body
    fixed.refresh_from_db()
    assert fixed.notified_at is not None


def test_an_update_is_not_a_correction_and_mails_nobody(live, editor):
    report = _new_report(live, email="reader@example.org")
    error_reports.error_report_fix(report=report, actor=editor)
    trust.publication_change_record(publication=live.live_publication, kind="update", reason="Re-reviewed.",
                                    actor=editor)  # fmt: skip
    assert error_reports.error_reports_notify_fixed(publication=live.live_publication) == 0
    assert mail.outbox == []


# The editors' desk


def test_queue_changelist_filters_by_state(admin_client, live, editor):
    _new_report(live, message="First report: the title is misspelt.")
    triaged = error_reports.error_report_triage(report=_new_report(live), actor=editor)
    response = admin_client.get("/admin/articles/errorreport/?state__exact=triaged")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/admin/articles/errorreport/{triaged.pk}/change/" in html and "First report" not in html


def test_queue_actions_go_through_the_service(admin_client, live):
    new, other = _new_report(live), _new_report(live)
    url = "/admin/articles/errorreport/"
    admin_client.post(url, {"action": "triage", "_selected_action": [new.pk]})
    new.refresh_from_db()
    assert new.state == State.TRIAGED
    # Dismissal asks for a reason first, and refuses without one.
    page = admin_client.post(url, {"action": "dismiss", "_selected_action": [other.pk]})
    assert page.status_code == 200 and 'name="dismissed_reason"' in page.content.decode()
    admin_client.post(url, {"action": "dismiss", "apply": "1", "dismissed_reason": "", "_selected_action": [other.pk]})
    other.refresh_from_db()
    assert other.state == State.NEW
    admin_client.post(url, {"action": "dismiss", "apply": "1", "dismissed_reason": "Duplicate of an earlier report.",
                            "_selected_action": [other.pk]})  # fmt: skip
    other.refresh_from_db()
    assert (other.state, other.dismissed_reason) == (State.DISMISSED, "Duplicate of an earlier report.")
    response = admin_client.post(url, {"action": "triage", "_selected_action": [other.pk]}, follow=True)
    refusal = f"Report {other.pk}: report {other.pk} is dismissed; it cannot be marked triaged"
    assert refusal in response.content.decode()


def test_service_refuses_unpublished_articles_and_bad_fields(live):
    with pytest.raises(error_reports.ReportRefused, match="not published"):
        error_reports.error_report_submit(article=make_article(), category="fact", message="Wrong year.")
    with pytest.raises(ValidationError) as caught:
        error_reports.error_report_submit(article=live, category="fact", message="x" * 2001, email="not-an-address")
    assert set(caught.value.message_dict) == {"message", "email"}
    assert not ErrorReport.objects.exists()
