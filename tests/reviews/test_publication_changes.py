"""The public corrections and updates log line on every path that creates a Publication: the service,
the change page's button, the bulk action, a schedule (when made and at its time, through the worker's
command), the write API. A publication that changes the body or references needs the line; nothing is
written without it. A correction tells the readers whose error report was fixed, once, after commit."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import error_reports
from articles.models import Publication, PublicationChange, ScheduledPublication
from articles.revisions import Content, content_of
from reviews.api.tokens import token_create
from reviews.exceptions import TransitionNotAllowed
from reviews.models import TransitionLog
from reviews.publishing import scheduling
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, take_through_review

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
REFUSED = "revision 2 changes the body or references of the live revision 1: give readers a one-line reason"


@pytest.fixture
def changed(editor):
    """Revision 1 live; revision 2 (a new dose in the body) approved by the board, not yet live."""
    reviewer = make_reviewer("dr-change")
    article = take_through_review(make_article(), editor=editor, reviewer=reviewer)
    publishing.publish(article=article, actor=editor, reason="First publication")
    content = content_of(article)
    body = content.body + "\n\nDexamethasone 16 mg a day is usual [1].\n"
    article, _ = workflow.edit(
        article=article, actor=editor, reason="Dose added",
        content=Content(title=content.title, summary=content.summary, body=body, references=content.references),
    )  # fmt: skip
    article = take_through_review(article, editor=editor, reviewer=reviewer)
    article.refresh_from_db()
    assert article.revision == 2 and article.live_publication.revision.number == 1
    return article


def _unchanged(article) -> None:
    article.refresh_from_db()
    assert article.live_publication.revision.number == 1
    assert Publication.objects.filter(article=article).count() == 1
    assert not PublicationChange.objects.exists()


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# The service


def test_publish_without_a_reason_is_refused_and_writes_nothing(changed, editor):
    with pytest.raises(TransitionNotAllowed, match=REFUSED):
        publishing.publish(article=changed, actor=editor, reason="Board approved the dose")
    _unchanged(changed)
    assert not TransitionLog.objects.filter(article=changed, transition="publish", revision=2).exists()


@pytest.mark.parametrize(
    ("kind", "reason", "message"),
    [
        ("correction", "", "the public change needs the one-line reason readers see"),
        ("", "Dose added.", "the public change needs whether it is a correction or an update"),
        ("erratum", "Dose added.", "“erratum” is not a kind of change: use correction or update"),
        ("correction", "two\nlines", "the public reason must be one line of at most 200 characters"),
        ("update", "x" * 201, "the public reason must be one line of at most 200 characters"),
    ],
)
def test_a_bad_change_line_is_refused_naming_what_is_wrong(changed, editor, kind, reason, message):
    with pytest.raises(TransitionNotAllowed, match=message):
        publishing.publish(article=changed, actor=editor, reason="r2", change_kind=kind, change_reason=reason)
    _unchanged(changed)


def test_a_correction_is_logged_with_its_publication(changed, editor, client, settings):
    settings.SITE_URL = "https://imprimatur.example"
    publication = publishing.publish(
        article=changed, actor=editor, reason="Board approved the dose",
        change_kind="correction", change_reason="Corrected the dexamethasone dose.",
    )  # fmt: skip
    change = PublicationChange.objects.get()
    assert (change.publication, change.kind, change.reason) == (
        publication,
        "correction",
        "Corrected the dexamethasone dose.",
    )
    assert (change.changed_at, change.recorded_by, change.article_id) == (publication.published_at, editor, changed.pk)
    html = client.get(changed.get_absolute_url()).content.decode()
    assert "Corrected the dexamethasone dose." in html[html.index('data-testid="changes"') :]
    [json_ld] = re.findall(r'<script type="application/ld\+json"(?: nonce="[^"]*")?>(.*?)</script>', html, re.S)
    assert json.loads(json_ld)["dateModified"] == publication.published_at.isoformat()
    sitemap = client.get("/sitemap-articles.xml").content.decode()
    entry = sitemap[sitemap.index(f"https://imprimatur.example{changed.get_absolute_url()}") :]
    day = timezone.localtime(publication.published_at)
    assert f"<lastmod>{day:%Y-%m-%d}</lastmod>" in entry[: entry.index("</url>")]


def test_first_publication_and_a_title_only_change_need_no_reason_but_may_carry_one(editor):
    reviewer = make_reviewer("dr-first")
    article = take_through_review(make_article(), editor=editor, reviewer=reviewer)
    publishing.publish(article=article, actor=editor, reason="First publication")
    assert not PublicationChange.objects.exists()
    content = content_of(article)
    article, _ = workflow.edit(
        article=article, actor=editor, reason="Clearer title",
        content=Content(title="A clearer title", summary=content.summary, body=content.body,
                        references=content.references),
    )  # fmt: skip
    article = take_through_review(article, editor=editor, reviewer=reviewer)
    publishing.publish(
        article=article, actor=editor, reason="Re-reviewed", change_kind="update",
        change_reason="Re-reviewed against the 2026 guideline; no change to the advice.",
    )  # fmt: skip
    assert PublicationChange.objects.get().kind == "update"


def test_a_correction_mails_each_fixed_reporter_once_after_commit(changed, editor, django_capture_on_commit_callbacks):
    fixed = error_reports.error_report_submit(article=changed, category="dose", message="Dose?", email="a@example.org")
    error_reports.error_report_fix(report=fixed, actor=editor)
    error_reports.error_report_submit(article=changed, category="dose", message="Also", email="b@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publishing.publish(
            article=changed, actor=editor, reason="r2", change_kind="correction", change_reason="Dose corrected."
        )
    assert mail.outbox == [] and callbacks  # nothing is sent inside the publishing transaction
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    fixed.refresh_from_db()
    assert fixed.notified_at is not None


def test_an_update_mails_no_reporter(changed, editor, django_capture_on_commit_callbacks):
    fixed = error_reports.error_report_submit(article=changed, category="dose", message="Dose?", email="a@example.org")
    error_reports.error_report_fix(report=fixed, actor=editor)
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=changed, actor=editor, reason="r2", change_kind="update", change_reason="New data.")
    assert mail.outbox == []


# The faces


def test_change_page_button_refuses_without_a_reason_and_publishes_with_one(changed, editor, client):
    client.force_login(editor)
    url = reverse("admin:articles_article_publish", args=[changed.pk])
    response = client.post(url, {"reason": "Board approved"}, follow=True)
    assert any(REFUSED in m for m in _messages(response))
    _unchanged(changed)
    response = client.post(url, {"reason": "Board approved", "change_kind": "correction",
                                 "change_reason": "two\nlines"}, follow=True)  # fmt: skip
    assert "Nothing was changed: change_reason: Write the public reason as one line." in _messages(response)
    _unchanged(changed)
    data = {"reason": "Board approved", "change_kind": "correction", "change_reason": "Corrected the dose."}
    response = client.post(url, data, follow=True)
    assert "Revision 2 is now live for readers." in _messages(response)
    assert PublicationChange.objects.get().reason == "Corrected the dose."


def test_change_page_shows_the_change_line_fields(changed, editor, client):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[changed.pk])).content.decode()
    assert 'id="publish-change-kind" name="change_kind"' in html and 'id="publish-change-reason"' in html
    assert 'id="schedule-change-kind"' in html


def test_bulk_publish_skips_a_changed_article_without_a_reason(changed, editor, client):
    client.force_login(editor)
    payload = {"action": "publish_approved", "_selected_action": [changed.pk], "apply": "1", "reason": "Batch"}
    ask = {key: value for key, value in payload.items() if key != "apply"}
    asked = client.post(reverse("admin:articles_article_changelist"), ask, follow=True)
    assert 'name="change_kind"' in asked.content.decode() and 'name="change_reason"' in asked.content.decode()
    response = client.post(reverse("admin:articles_article_changelist"), payload, follow=True)
    assert any(m.startswith(f"“{changed.title}” skipped: ") and REFUSED in m for m in _messages(response))
    _unchanged(changed)
    payload.update(change_kind="update", change_reason="New dosing evidence.")
    response = client.post(reverse("admin:articles_article_changelist"), payload, follow=True)
    assert f"“{changed.title}”: published revision 2." in _messages(response)
    assert PublicationChange.objects.get().kind == "update"


def test_schedule_refuses_without_a_reason_and_carries_the_line_to_its_time(changed, editor):
    with time_machine.travel(NOON, tick=False) as clock:
        with pytest.raises(TransitionNotAllowed, match=REFUSED.replace("publish", "schedule")):
            scheduling.schedule_create(article=changed, actor=editor, publish_at=NOON + timedelta(hours=1), reason="x")
        assert not ScheduledPublication.objects.exists()
        schedule = scheduling.schedule_create(
            article=changed, actor=editor, publish_at=NOON + timedelta(hours=1), reason="Embargo lifts",
            change_kind="correction", change_reason="Corrected the dose.",
        )  # fmt: skip
        clock.move_to(NOON + timedelta(hours=2))
        call_command("run_due_jobs")
    schedule.refresh_from_db()
    assert schedule.status == "done"
    change = PublicationChange.objects.get()
    assert (change.publication, change.kind, change.reason) == (
        schedule.publication,
        "correction",
        "Corrected the dose.",
    )


def test_a_schedule_made_before_the_text_changed_fails_at_its_time_without_a_reason(editor):
    reviewer = make_reviewer("dr-sched")
    with time_machine.travel(NOON, tick=False) as clock:
        article = take_through_review(make_article(), editor=editor, reviewer=reviewer)
        schedule = scheduling.schedule_create(
            article=article, actor=editor, publish_at=NOON + timedelta(days=1), reason="Embargo"
        )
        content = content_of(article)  # meanwhile another publication goes live with other text
        publishing.publish(article=article, actor=editor, reason="Urgent first publication")
        article, _ = workflow.edit(
            article=article, actor=editor, reason="Dose",
            content=Content(title=content.title, body=content.body + "\n\nA new dose [1].\n",
                            references=content.references),
        )  # fmt: skip
        take_through_review(article, editor=editor, reviewer=reviewer)
        publishing.publish(article=article, actor=editor, reason="r2", change_kind="update", change_reason="New dose.")
        clock.move_to(NOON + timedelta(days=2))
        assert scheduling.schedules_run_due() == {schedule.pk: "failed"}
    schedule.refresh_from_db()
    assert "revision 1 changes the body or references of the live revision 2" in schedule.note


def test_api_publish_and_schedule_refuse_without_a_reason(changed, editor, client):
    auth = {
        "HTTP_AUTHORIZATION": f"Bearer {token_create(owner=editor, actor=editor, name='t', scopes=['publish']).clear}"
    }

    def post(step, data):
        return client.post(f"/api/desk/articles/{changed.pk}/{step}/", json.dumps(data),
                           content_type="application/json", HTTP_IF_MATCH='"2"', **auth)  # fmt: skip

    response = post("publish", {"reason": "Board approved"})
    assert response.status_code == 409 and REFUSED in response.json()["detail"]
    when = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    response = post("schedule", {"reason": "Embargo", "publish_at": when})
    assert response.status_code == 409 and "give readers a one-line reason" in response.json()["detail"]
    response = post("publish", {"reason": "Board approved", "change_kind": "erratum", "change_reason": "x"})
    assert response.status_code == 400 and "change_kind" in response.content.decode()
    _unchanged(changed)
    response = post("publish", {"reason": "Board approved", "change_kind": "correction", "change_reason": "Dose."})
    assert response.status_code == 201, response.content
    assert PublicationChange.objects.get().reason == "Dose."
