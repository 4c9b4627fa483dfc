from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reviews.jobs.importing import ImportResult, article_files, import_file

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import article files (Markdown with front matter, HTML pages, or the plain-text page format). "
        "Re-importing a file updates the article with the same slug as a new revision, "
        "only if its content changed. Two files of one batch for the same article: the second is refused, "
        "naming the first. A malformed file is reported as file:line and nothing from it is saved. "
        "Each imported revision records where it came from (--source-url, else the file's own address) and "
        "the source page's own 'Reviewed by' line, as provenance for editors."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, or folders of .md, .txt and .html files.")
        parser.add_argument("--user", default=None, help="Username recorded as author and actor (an editor).")
        parser.add_argument(
            "--source-url", default="", help="The web address the text came from (one file only); "
            "without it, the file's own file://localhost/… address is recorded."
        )  # fmt: skip

    def handle(self, *args, **options):
        actor = self._actor(options["user"])
        files = article_files(options["paths"])
        if not files:
            raise CommandError("No article files found in the paths given.")
        if options["source_url"] and len(files) > 1:
            raise CommandError(f"--source-url names the source of one file; {len(files)} files were given.")
        bar = self.stdout.isatty() and options["verbosity"] >= 1
        counts = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        claimed: dict = {}  # the batch's articles so far: a second file for one of them is refused
        for index, path in enumerate(files, start=1):
            if bar:
                self._bar(index - 1, len(files), f"importing {path.name}")
            result = import_file(path=path, actor=actor, source_url=options["source_url"], claimed=claimed)
            counts[result.outcome] += 1
            self._report(result, index, len(files), bar=bar, verbosity=options["verbosity"])
        if bar:
            self._bar(len(files), len(files), "done")
            self.stdout.write("")
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Imported {len(files)} file(s): {summary}.")
        if counts["failed"]:
            raise CommandError(f"{counts['failed']} file(s) failed to import; see the messages above.")

    def _report(self, result: ImportResult, index: int, total: int, *, bar: bool, verbosity: int) -> None:
        """Plain lines (one per file) off a terminal; on one, only failures and warnings interrupt the bar."""
        if bar and (result.outcome == "failed" or result.warnings):
            self.stdout.write("\r\033[K", ending="")
        if result.outcome == "failed":
            self.stderr.write(result.message)
        elif verbosity >= 1 and not bar:
            detail = f" ({result.message})" if result.message else ""
            self.stdout.write(f"[{index}/{total}] {result.path}: {result.outcome}{detail}")
        for warning in result.warnings:
            self.stderr.write(f"{result.path}: warning: {warning}")

    def _bar(self, done: int, total: int, label: str) -> None:
        filled = BAR_WIDTH * done // total
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} {label}"
        self.stdout.write(f"\r\033[K{line}", ending="")
        self.stdout.flush()

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
