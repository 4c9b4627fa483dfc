from django.conf import settings
from django.core.management.base import BaseCommand

from reviews.jobs.evidence import evidence_watch


class Command(BaseCommand):
    help = (
        "Re-check the references of published articles with Crossref and PubMed; an article citing "
        "work retracted since its approval goes back for re-review and its editors are told."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-age-days", type=int, default=7, help="Look identifiers up again after this.")

    def handle(self, *args, **options):
        if not settings.RESOLVERS_ENABLED:
            self.stdout.write("Resolvers are off (RESOLVERS_ENABLED is not set): nothing checked.")
            return
        alerts = evidence_watch(max_age_days=options["max_age_days"])
        for alert in alerts:
            refs = ", ".join(map(str, alert.references))
            action = "re-review started" if alert.rereview_started else "editors told"
            self.stdout.write(f"article {alert.article_id}: retracted reference {refs}; {action}")
        self.stdout.write(f"{len(alerts)} article(s) cite retracted work.")
