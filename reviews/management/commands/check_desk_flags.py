"""``manage.py check_desk_flags [--fix]``: is every article's stored "needs a reviewer" what its
assignments say? Lists the articles that differ (exit status 1); ``--fix`` stores them anew."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article
from reviews.workflow import rounds


class Command(BaseCommand):
    help = "Compare each article's stored 'needs a reviewer' with its assignments (--fix stores it anew)."

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="store the flag of the articles that differ")

    def handle(self, *args, fix: bool = False, **options):
        wrong = rounds.desk_flag_mismatches()
        if not wrong:
            self.stdout.write("Every article's 'needs a reviewer' agrees with its assignments.")
            return
        named = ", ".join(map(str, wrong[:50])) + (" …" if len(wrong) > 50 else "")
        if not fix:
            raise CommandError(f"{len(wrong)} articles' 'needs a reviewer' differs from their assignments: {named}")
        with transaction.atomic():  # the article rows first, in pk order (the lock order)
            locked = list(Article.objects.select_for_update().filter(pk__in=wrong).order_by("pk").values_list("pk"))
            rounds.desk_flags_refresh(articles=Article.objects.filter(pk__in=[pk for (pk,) in locked]))
        self.stdout.write(f"Stored 'needs a reviewer' anew for {len(wrong)} articles: {named}")
