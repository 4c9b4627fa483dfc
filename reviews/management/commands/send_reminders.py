"""Email reminders before review due dates and flag overdue assignments (run from cron)."""

from django.core.management.base import BaseCommand

from reviews.jobs.reminders import reminders_send


class Command(BaseCommand):
    help = "Email reviewers before their due dates and flag overdue assignments; safe to run repeatedly."

    def handle(self, *args, **options):
        run = reminders_send()
        self.stdout.write(f"Reminders sent: {run.reminders}; overdue assignments flagged: {run.overdue}")
