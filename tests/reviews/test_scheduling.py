"""Scheduled publications run by the database task worker at their time, and due re-reviews."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from articles.models import Article, Publication, ScheduledPublication, SiteSettings
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.jobs import due as due_jobs
from reviews.models import TransitionLog
from reviews.publishing import scheduling
from reviews.publishing import services as publishing
from tests.factories import make_article

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def db_tasks(settings):
    """The real database task backend, as `make demo` and production run it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """One pass of the database worker (`manage.py db_worker --batch`): runs every task that is due."""
    Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    ).run()  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_worker_publishes_a_scheduled_publication_at_its_time(editor, db_tasks):
    with time_machine.travel(NOON, tick=False) as clock:
        article = make_article(status=Article.Status.APPROVED)
        schedule = scheduling.schedule_create(
            article=article, actor=editor, publish_at=NOON + timedelta(hours=2), reason="Launch with the campaign"
        )
        task_row = DBTaskResult.objects.get(task_path__endswith="publish_scheduled")
        assert task_row.run_after == NOON + timedelta(hours=2)

        clock.move_to(NOON + timedelta(hours=1, minutes=59))
        run_worker()
        article.refresh_from_db()
        assert article.live_publication is None
        assert ScheduledPublication.objects.get().status == "pending"

        clock.move_to(NOON + timedelta(hours=2, seconds=1))
        run_worker()
    article.refresh_from_db()
    schedule.refresh_from_db()
    assert schedule.status == "done" and schedule.publication == article.live_publication
    publication = article.live_publication
    assert publication.published_by == editor and publication.published_at == NOON + timedelta(hours=2, seconds=1)
    assert publication.revision.number == 1
    assert DBTaskResult.objects.get(task_path__endswith="publish_scheduled").status == "SUCCESSFUL"
    logs = TransitionLog.objects.filter(article=article).order_by("at", "pk")
    steps = list(logs.values_list("transition", flat=True))
    assert steps == ["schedule", "publish"]


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_schedule_is_not_published_when_its_time_comes(editor, db_tasks):
    with time_machine.travel(NOON, tick=False) as clock:
        article = make_article(status=Article.Status.APPROVED)
        schedule = scheduling.schedule_create(
            article=article, actor=editor, publish_at=NOON + timedelta(hours=1), reason="Morning slot"
        )
        clock.move_to(NOON + timedelta(minutes=30))
        scheduling.schedule_cancel(schedule=schedule, actor=editor, reason="Embargo extended")
        clock.move_to(NOON + timedelta(hours=3))
        run_worker()
    article.refresh_from_db()
    schedule.refresh_from_db()
    assert article.live_publication is None and not Publication.objects.exists()
    assert (schedule.status, schedule.note, schedule.closed_by) == ("cancelled", "Embargo extended", editor)
    assert DBTaskResult.objects.get(task_path__endswith="publish_scheduled").return_value == "cancelled"
    with pytest.raises(TransitionNotAllowed, match="cancelled, not pending"):
        scheduling.schedule_cancel(schedule=schedule, actor=editor, reason="again")


@pytest.mark.django_db
def test_schedule_refusals_write_nothing(editor, author):
    article = make_article(status=Article.Status.APPROVED)
    future = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(TransitionNotAllowed, match="must be in the future"):
        scheduling.schedule_create(article=article, actor=editor, publish_at=future - timedelta(days=2), reason="x")
    with pytest.raises(NotPermitted):
        scheduling.schedule_create(article=article, actor=author, publish_at=future, reason="x")
    draft = make_article()
    with pytest.raises(TransitionNotAllowed, match="has not been approved"):
        scheduling.schedule_create(article=draft, actor=editor, publish_at=future, reason="x")
    assert not ScheduledPublication.objects.exists() and not TransitionLog.objects.exists()
    scheduling.schedule_create(article=article, actor=editor, publish_at=future, reason="first")
    with pytest.raises(TransitionNotAllowed, match="already scheduled; cancel it first"):
        scheduling.schedule_create(article=article, actor=editor, publish_at=future, reason="second")
    assert ScheduledPublication.objects.count() == 1


@pytest.mark.django_db
def test_a_schedule_that_became_unpublishable_fails_with_the_reason(editor):
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    with time_machine.travel(NOON, tick=False) as clock:
        article = make_article(status=Article.Status.SUBMITTED)
        schedule = scheduling.schedule_create(
            article=article, actor=editor, publish_at=NOON + timedelta(hours=1), reason="x", provisional=True
        )
        SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": False})
        clock.move_to(NOON + timedelta(hours=1))
        outcome = scheduling.schedules_run_due()
    schedule.refresh_from_db()
    assert outcome == {schedule.pk: "failed"} and schedule.status == "failed"
    assert "does not allow provisional publishing" in schedule.note
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_run_due_jobs_command_publishes_due_schedules_once(editor):
    with time_machine.travel(NOON, tick=False) as clock:
        article = make_article(status=Article.Status.APPROVED)
        scheduling.schedule_create(article=article, actor=editor, publish_at=NOON + timedelta(minutes=5), reason="x")
        call_command("run_due_jobs")
        assert not Publication.objects.exists()
        clock.move_to(NOON + timedelta(minutes=6))
        call_command("run_due_jobs")
        call_command("run_due_jobs")
    assert Publication.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_rereview_job_starts_a_round_when_due_and_the_publication_stays(editor, db_tasks):
    with time_machine.travel(NOON, tick=False) as clock:
        due = make_article(status=Article.Status.APPROVED, next_review_due=NOON.date() + timedelta(days=30))
        later = make_article(status=Article.Status.APPROVED, next_review_due=NOON.date() + timedelta(days=90))
        publication = publishing.publish(article=due, actor=editor, reason="live")
        clock.move_to(NOON + timedelta(days=31))
        due_jobs.run_due_jobs.enqueue()
        run_worker()
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == Article.Status.SUBMITTED and due.live_publication == publication
    assert later.status == Article.Status.APPROVED
    log = TransitionLog.objects.get(article=due, transition="start_rereview")
    assert log.actor is None and log.reason == f"re-review due on {due.next_review_due:%Y-%m-%d}"
    result = DBTaskResult.objects.get(task_path__endswith="run_due_jobs")
    assert result.status == "SUCCESSFUL"
    assert set(result.return_value) == {
        "recovered_tasks",
        "schedules",
        "rereviews",
        "reminders",
        "retractions",
        "webhook_retries",
    }
