from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reviews.jobs.importing import article_files, import_batch


class Command(BaseCommand):
    help = (
        "Import article files (Markdown with front matter, HTML pages, or the plain-text page format). "
        "Re-importing a file updates the article with the same slug as a new revision, "
        "only if its content changed. Two files of one batch for the same article: the second is refused, "
        "naming the first. A malformed file is reported as file:line and nothing from it is saved."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, or folders of .md, .txt and .html files.")
        parser.add_argument("--user", default=None, help="Username recorded as author and actor (an editor).")

    def handle(self, *args, **options):
        actor = self._actor(options["user"])
        files = article_files(options["paths"])
        if not files:
            raise CommandError("No article files found in the paths given.")
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        for index, (path, result) in enumerate(zip(files, import_batch(paths=files, actor=actor), strict=True), 1):
            counts[result.outcome] += 1
            if result.outcome == "failed":
                self.stderr.write(result.message)
            elif options["verbosity"] >= 1:
                detail = f" ({result.message})" if result.message else ""
                self.stdout.write(f"[{index}/{len(files)}] {path}: {result.outcome}{detail}")
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Imported {len(files)} file(s): {summary}.")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) failed to import; see the messages above.")

    def _actor(self, username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist:
                raise CommandError(f"No user named '{username}'.") from None
        actor = User.objects.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("Name the importing editor with --user (no superuser exists to default to).")
        return actor
