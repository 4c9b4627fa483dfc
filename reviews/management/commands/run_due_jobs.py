"""Run every time-based job now, for cron or a scheduler: one entry point for all of them."""

from django.conf import settings
from django.core.management.base import BaseCommand

from reviews.jobs.evidence import evidence_watch
from reviews.jobs.reminders import reminders_send
from reviews.jobs.task_recovery import tasks_recover_abandoned
from reviews.publishing import scheduling


class Command(BaseCommand):
    help = (
        "Publish due scheduled publications, start re-review rounds whose date has passed, email review "
        "reminders and overdue notices, recover tasks whose worker died, and (with RESOLVERS_ENABLED) "
        "re-check live articles for retractions. Safe to run as often as you like."
    )

    def handle(self, *args, **options):
        recovery = tasks_recover_abandoned()
        if recovery.requeued or recovery.failed:
            self.stdout.write(
                f"Tasks whose worker died: {len(recovery.requeued)} queued again, {len(recovery.failed)} marked failed."
            )
        schedules = scheduling.schedules_run_due()
        rereviews = scheduling.rereview_run_due()
        for pk, outcome in schedules.items():
            self.stdout.write(f"scheduled publication {pk}: {outcome}")
        for pk, outcome in rereviews.items():
            self.stdout.write(f"article {pk} re-review: {outcome}")
        self.stdout.write(f"{len(schedules)} scheduled publication(s), {len(rereviews)} re-review(s) due.")
        run = reminders_send()
        self.stdout.write(f"Reminders sent: {run.reminders}; overdue assignments flagged: {run.overdue}.")
        if settings.RESOLVERS_ENABLED:
            self.stdout.write(f"{len(evidence_watch())} live article(s) cite newly retracted work.")
