from django.core.management.base import BaseCommand

from articles.models import Article
from articles.pages import store_page


class Command(BaseCommand):
    help = (
        "Render every live article's page into the page store again (after a release that changed the pages: "
        "until then a cache miss renders). Queues one task per article; --now renders them here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Render here instead of queueing tasks.")

    def handle(self, *args, **options):
        ids = Article.objects.filter(live_publication__isnull=False).order_by("pk").values_list("pk", flat=True)
        count = 0
        for article_id in ids.iterator(chunk_size=2000):
            if options["now"]:
                store_page.call(article_id=article_id)
            else:
                store_page.enqueue(article_id=article_id)
            count += 1
        done = "stored" if options["now"] else "queued for the page store"
        self.stdout.write(f"{count} live article page(s) {done}.")
