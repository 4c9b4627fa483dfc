"""Every time-based job at once, as one task for a worker-only deployment (the cron command runs the same)."""

from django_tasks import task

from reviews import webhooks
from reviews.jobs.evidence import evidence_watch
from reviews.jobs.reminders import reminders_send
from reviews.jobs.task_recovery import tasks_recover_abandoned
from reviews.publishing import scheduling


@task()
def run_due_jobs() -> dict:
    """Every periodic job at once, for a worker-only deployment: due schedules, re-reviews,
    review reminders, webhook retries, tasks whose worker died and, with resolvers on, the evidence watch."""
    recovery = tasks_recover_abandoned()
    reminders = reminders_send()
    return {
        "recovered_tasks": {"requeued": len(recovery.requeued), "failed": len(recovery.failed)},
        "schedules": scheduling.schedules_run_due(),
        "rereviews": scheduling.rereview_run_due(),
        "reminders": {"reminders": reminders.reminders, "overdue": reminders.overdue},
        "retractions": len(evidence_watch()),
        "webhook_retries": webhooks.deliveries_run_due(),
    }
