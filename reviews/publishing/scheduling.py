"""Jobs that run at a time: scheduled publications and due re-reviews.

A scheduled publication is queued as a django-tasks task with ``run_after`` set to its time, so
the database worker (``manage.py db_worker``) carries it out then. The task re-reads the schedule
under the article lock and does nothing unless it is still pending and due, so a cancelled
schedule, a repeated task or the cron command (``manage.py run_due_jobs``) never publishes twice.
"""

import logging
from datetime import date, datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from articles.history import history_note
from articles.models import Article, ScheduledPublication
from reviews import webhooks
from reviews.exceptions import TransitionNotAllowed, WorkflowError
from reviews.locking import lock_article, require_reason
from reviews.publishing import records
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow

logger = logging.getLogger(__name__)
Pending = ScheduledPublication.Status


def schedule_create(
    *, article: Article, actor, publish_at: datetime, reason: str, provisional: bool = False,
    change_kind: str = "", change_reason: str = "",
) -> ScheduledPublication:  # fmt: skip
    """Ask for the article's current revision to be published at ``publish_at``. Editors only.

    The time must be in the future, the article may have one pending schedule, and the revision
    must be publishable now by ``actor`` (``eligibility.publication_refusal``: approved, or
    provisional under its conditions; never by the article's author); the task asks the same rule
    again at its time, as the schedule's creator. The public log line (``change_kind``, ``change_reason``)
    is kept with the schedule and required as for ``publish`` (checked now and again at its time).
    Raises NotPermitted or TransitionNotAllowed; nothing is written then.
    """
    with transaction.atomic():
        article = lock_article(article)
        publishing.require_editor("schedule", article, actor)
        reason = require_reason("schedule", article, reason)
        change_kind, change_reason = publishing.change_line("schedule", article, kind=change_kind, reason=change_reason)
        if timezone.is_naive(publish_at) or publish_at <= timezone.now():
            raise TransitionNotAllowed("schedule", article.status, "the publication time must be in the future")
        if article.schedules.filter(status=Pending.PENDING).exists():
            raise TransitionNotAllowed(
                "schedule", article.status, "a publication is already scheduled; cancel it first"
            )
        revision = article.revisions.get(number=article.revision)
        publishing.check_publishable("schedule", article, revision, actor=actor, provisional=provisional)
        publishing.require_change_line("schedule", article, revision, reason=change_reason)
        schedule = ScheduledPublication(
            article=article, revision=revision, publish_at=publish_at, provisional=provisional, created_by=actor,
            change_kind=change_kind, change_reason=change_reason,
        )  # fmt: skip
        history_note(schedule, actor=actor, reason=f"schedule: {reason}")
        schedule.save()
        when = timezone.localtime(publish_at).strftime("%Y-%m-%d %H:%M %Z")
        label = f"revision {revision.number} at {when}: {reason}"
        records.step_record(article, "schedule", actor=actor, reason=label, revision=revision.number)
        transaction.on_commit(partial(_enqueue, schedule_id=schedule.pk, run_after=publish_at))
    return schedule


def _enqueue(*, schedule_id: int, run_after: datetime) -> None:
    """Queue the task for its time. A backend that cannot defer (tests' immediate backend) leaves
    the schedule to ``run_due_jobs`` rather than publishing early."""
    if publish_scheduled.get_backend().supports_defer:
        publish_scheduled.using(run_after=run_after).enqueue(schedule_id=schedule_id)


def schedule_cancel(*, schedule: ScheduledPublication, actor, reason: str) -> ScheduledPublication:
    """Cancel a pending scheduled publication before its time, with a reason. Editors only."""
    with transaction.atomic():
        article = lock_article(schedule.article)
        publishing.require_editor("cancel_schedule", article, actor)
        schedule = ScheduledPublication.objects.select_for_update().get(pk=schedule.pk)
        reason = require_reason("cancel_schedule", article, reason)
        if schedule.status != Pending.PENDING:
            why = f"the scheduled publication is {schedule.get_status_display().lower()}, not pending"
            raise TransitionNotAllowed("cancel_schedule", article.status, why)
        _close(schedule, Pending.CANCELLED, actor=actor, note=reason)
        records.step_record(article, "cancel_schedule", actor=actor, reason=reason, revision=schedule.revision.number)
    return schedule


def schedule_cancel_pending(*, article: Article, actor, reason: str) -> ScheduledPublication:
    """Cancel the article's pending scheduled publication (the desk's button). Raises WorkflowError
    when none is pending; otherwise as ``schedule_cancel``."""
    schedule = article.schedules.filter(status=Pending.PENDING).first()
    if schedule is None:
        raise WorkflowError("There is no pending scheduled publication to cancel.")
    return schedule_cancel(schedule=schedule, actor=actor, reason=reason)


def _close(schedule: ScheduledPublication, status: str, *, actor, note: str, publication=None) -> None:
    schedule.status, schedule.note, schedule.publication = status, note, publication
    schedule.closed_by, schedule.closed_at = actor, timezone.now()
    history_note(schedule, actor=actor, reason=f"{status}: {note}")
    schedule.save(update_fields=["status", "note", "publication", "closed_by", "closed_at"])


def schedule_carry_out(*, schedule_id: int) -> str:
    """Publish a due, pending schedule as its creator. Returns what happened.

    A schedule that is cancelled, done or not yet due is left alone. When publishing is refused
    (the revision lost its approval, the site stopped allowing provisional publishing) the
    schedule is marked failed with the reason, and the editor sees it on the article.
    """
    with transaction.atomic():
        schedule = ScheduledPublication.objects.filter(pk=schedule_id).first()
        if schedule is None:
            return "missing"
        article = lock_article(schedule.article)
        schedule = ScheduledPublication.objects.select_for_update().select_related("revision").get(pk=schedule_id)
        if schedule.status != Pending.PENDING:
            return schedule.status
        if schedule.publish_at > timezone.now():
            return "not due"
        reason = f"scheduled publication #{schedule.pk}"
        try:
            with transaction.atomic():
                publication = publishing.publish_locked(
                    article=article, actor=schedule.created_by, reason=reason,
                    revision_number=schedule.revision.number, provisional=schedule.provisional,
                    change_kind=schedule.change_kind, change_reason=schedule.change_reason,
                )  # fmt: skip
        except WorkflowError as error:
            _close(schedule, Pending.FAILED, actor=None, note=str(error))
            return Pending.FAILED
        _close(schedule, Pending.DONE, actor=None, note=reason, publication=publication)
    return Pending.DONE


@task()
def publish_scheduled(schedule_id: int) -> str:
    """The worker's side of a scheduled publication (queued with ``run_after`` = its time)."""
    return schedule_carry_out(schedule_id=schedule_id)


def schedules_run_due(*, now: datetime | None = None) -> dict[int, str]:
    """Carry out every pending schedule whose time has come (the cron fallback of the worker)."""
    now = now or timezone.now()
    due = ScheduledPublication.objects.filter(status=Pending.PENDING, publish_at__lte=now).order_by("publish_at", "pk")
    return {pk: schedule_carry_out(schedule_id=pk) for pk in due.values_list("pk", flat=True)}


def rereview_run_due(*, today: date | None = None) -> dict[int, str]:
    """Start a re-review round for every approved article whose ``next_review_due`` has passed.

    The live publication stays up meanwhile. Acts as the system (``actor=None``), which the
    transition table allows for ``start_rereview``. Returns article id → what happened.
    """
    today = today or timezone.localdate()
    due = Article.objects.rereview_due(today).order_by("pk")
    outcome = {}
    for article in due:
        try:
            workflow.start_rereview(
                article=article,
                actor=None,
                reason=f"re-review due on {article.next_review_due:%Y-%m-%d}",
                job="the scheduled re-review",
            )
            outcome[article.pk] = "started"
            webhooks.event_emit(event="rereview_due", article=article, data={"due": f"{article.next_review_due}"})
        except WorkflowError as error:  # moved on meanwhile: leave it, say why
            logger.info("re-review of article %s skipped: %s", article.pk, error)
            outcome[article.pk] = f"skipped: {error}"
    return outcome
