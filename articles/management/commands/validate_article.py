from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.validation.reports import report_create


class Command(BaseCommand):
    help = "Validate an article's current revision now and store the report (the approval gate reads it)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="+")
        parser.add_argument("--resolvers", action="store_true", help="Also look identifiers up in Crossref/PubMed.")

    def handle(self, *args, **options):
        failed = False
        for slug in options["slugs"]:
            article = Article.objects.filter(slug=slug).first()
            if article is None:
                raise CommandError(f"No article with slug '{slug}'.")
            revision = article.revisions.get(number=article.revision)
            report = report_create(revision=revision, use_resolvers=options["resolvers"] or None)
            for finding in report.findings:
                where = f" body line {finding['line']}" if finding["line"] else ""
                self.stdout.write(f"{slug}{where}: {finding['severity']} {finding['rule']}: {finding['message']}")
            self.stdout.write(
                f"{slug} revision {revision.number}: {report.errors} errors, {report.warnings} warnings, "
                f"{report.infos} infos"
            )
            failed |= report.errors > 0
        if failed:
            raise CommandError("Some articles have validation errors.")
