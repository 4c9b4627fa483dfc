"""Run the time-based jobs now: due scheduled publications and due re-reviews (for cron)."""

from django.core.management.base import BaseCommand

from reviews import scheduling


class Command(BaseCommand):
    help = "Publish due scheduled publications and start re-review rounds whose date has passed."

    def handle(self, *args, **options):
        schedules = scheduling.schedules_run_due()
        rereviews = scheduling.rereview_run_due()
        for pk, outcome in schedules.items():
            self.stdout.write(f"scheduled publication {pk}: {outcome}")
        for pk, outcome in rereviews.items():
            self.stdout.write(f"article {pk} re-review: {outcome}")
        self.stdout.write(f"{len(schedules)} scheduled publication(s), {len(rereviews)} re-review(s) due.")
