"""Tasks whose worker died are retried or visibly failed, never left "running" for ever.

django-tasks-db's ``db_worker`` marks a task running when it claims it and successful or failed when
the task returns or raises. A worker killed mid-task (SIGKILL, out of memory, a host lost) records
neither, so the task would stay running with nobody running it. ``tasks_recover_abandoned`` finds
running tasks claimed longer ago than ``TASK_RUNNING_TIMEOUT_SECONDS`` (longer than any of our tasks
takes) and queues each again, or, once ``TASK_MAX_ATTEMPTS`` workers have claimed it, marks it failed
with ``WorkerLost`` so it shows among the failed tasks. Our tasks are safe to run twice: emails are
sent once per key, reports and schedules are idempotent.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)  # task result ids
    failed: list[str] = field(default_factory=list)


def tasks_recover_abandoned(*, started_before: datetime | None = None, max_attempts: int | None = None) -> Recovery:
    """Queue again, or mark failed, every running task claimed before ``started_before``.

    Defaults: ``started_before`` is now less ``TASK_RUNNING_TIMEOUT_SECONDS``; ``max_attempts`` is
    ``TASK_MAX_ATTEMPTS`` (claims by a worker, the lost ones included). Safe to run from several
    processes at once: each task is recovered by one of them. Run it from ``run_due_jobs``.
    """
    cutoff = started_before or timezone.now() - timedelta(seconds=settings.TASK_RUNNING_TIMEOUT_SECONDS)
    attempts = max_attempts or settings.TASK_MAX_ATTEMPTS
    recovery = Recovery()
    with transaction.atomic():
        stuck = DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True)
        for result in stuck.order_by("started_at"):
            if len(result.worker_ids) < attempts:
                result.status, result.started_at = TaskResultStatus.READY, None
                result.save(update_fields=["status", "started_at"])
                recovery.requeued.append(str(result.pk))
            else:
                result.set_failed(
                    WorkerLost(
                        f"Worker {result.worker_ids[-1]} stopped while running {result.task_path}; "
                        f"{len(result.worker_ids)} attempts, none finished."
                    )
                )
                recovery.failed.append(str(result.pk))
    return recovery
