"""The periodic reminder job: emails reviewers before due dates and flags overdue assignments.

Run by the ``send_reminders`` management command (cron or any scheduler) or by the
``send_reminders_task`` task on the worker. Idempotent: each assignment's flag
(``reminder_sent_at``, ``overdue_notified_at``) is set under a row lock in the same
transaction that queues the email, and the email itself is keyed in ``Notification``, so
running the job twice sends each reminder once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task

from articles.history import history_note
from articles.models import Article
from reviews import notifications
from reviews.models import ReviewAssignment

REMIND_BEFORE = timedelta(days=2)
IN_REVIEW = (Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW)


@dataclass(frozen=True)
class ReminderRun:
    reminders: int
    overdue: int


def _due(flag: str, assignments: QuerySet[ReviewAssignment]) -> list[int]:
    return list(
        assignments.filter(article__status__in=IN_REVIEW, **{f"{flag}__isnull": True})
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _flag(pk: int, *, flag: str, now: datetime, notice, reason: str) -> bool:
    """Set the flag on one still-open assignment and queue its email after commit; False if done already."""
    with transaction.atomic():
        assignment = (
            ReviewAssignment.objects.open()
            .select_for_update(skip_locked=True)
            .filter(pk=pk, **{f"{flag}__isnull": True})
            .first()
        )
        if assignment is None:  # taken by a concurrent run, or answered meanwhile
            return False
        setattr(assignment, flag, now)
        history_note(assignment, actor=None, reason=reason)
        assignment.save(update_fields=[flag])
        transaction.on_commit(partial(notice.enqueue, assignment_id=pk))
    return True


def reminders_send(*, now: datetime | None = None) -> ReminderRun:
    """Remind reviewers whose open assignment falls due within two days, and tell reviewer and
    editors about assignments past due. Only articles still in review are considered. Anyone
    (a scheduler) may run it; it raises nothing for an individual assignment."""
    now = now or timezone.now()
    soon = ReviewAssignment.objects.open().filter(due_at__gte=now, due_at__lte=now + REMIND_BEFORE)
    reminders = sum(
        _flag(pk, flag="reminder_sent_at", now=now, notice=notifications.reminder_notice, reason="reminder sent")
        for pk in _due("reminder_sent_at", soon)
    )
    overdue = sum(
        _flag(pk, flag="overdue_notified_at", now=now, notice=notifications.overdue_notice, reason="flagged overdue")
        for pk in _due("overdue_notified_at", ReviewAssignment.objects.overdue(now))
    )
    return ReminderRun(reminders=reminders, overdue=overdue)


@task()
def send_reminders_task() -> dict:
    """The reminder job as a task, for the worker or a periodic enqueue."""
    run = reminders_send()
    return {"reminders": run.reminders, "overdue": run.overdue}
