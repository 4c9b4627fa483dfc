"""``manage.py check_references FILE``: validate an article file without saving anything.

Exit status: 0 when there are no errors, 1 when there are, 2 when the file cannot be read
or parsed (with ``FILE:LINE: message`` on stderr).

With ``RESOLVERS_ENABLED`` the references are looked up in the registries at
``CROSSREF_API_URL`` and ``NCBI_EUTILS_URL`` (answers are cached in the database), and the JSON
output adds ``notices`` (every notice on a cited work, with its kind and link) and
``registries`` (which answered, when, and which failed).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from articles.fileformat import ArticleFileError, ParsedArticle, parse_article_file
from articles.validation.engine import Report, validate
from articles.validation.references import parse_reference


def check_article(*, article: ParsedArticle, year: int | None = None, resolver=None) -> Report:
    """Validate a parsed article file; findings name file lines (the text output adds the body line).
    A patient file gets the plain-language rules."""
    references = [parse_reference(e.text, number=e.number).as_dict() for e in article.references]
    return validate(
        body=article.body,
        references=references,
        body_line=article.body_line,
        reference_lines={entry.number: entry.line for entry in article.references},
        year=year,
        resolver=resolver,
        audience=article.audience,
    )


class _Remembering:
    """Passes lookups to the registry client and keeps what it said, for the notices listing."""

    def __init__(self, resolver):
        self.resolver = resolver
        self.resolutions: dict = {}

    def resolve(self, *, references: list[dict]) -> dict:
        self.resolutions = self.resolver.resolve(references=references)
        return self.resolutions

    def notices(self) -> list[dict]:
        return [
            {"reference": number, **notice.as_dict()}
            for number, resolution in sorted(self.resolutions.items())
            for notice in resolution.notices
        ]


def body_line_of(*, article: ParsedArticle, file_line: int | None) -> int | None:
    """The body line (what the admin and the reviewer pages number) of a file line inside the body."""
    if not file_line or file_line < article.body_line:
        return None
    body = file_line - article.body_line + 1
    return body if body <= len(article.body.splitlines()) else None


class Command(BaseCommand):
    help = "Check the citations and references of an article file (Markdown or page format)."
    requires_migrations_checks = False
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the article file to check")
        parser.add_argument("--format", choices=("text", "json"), default="text")
        parser.add_argument("--year", type=int, default=None, help="the current year for the check")

    def handle(self, *args, file: str, format: str, year: int | None, **options) -> None:
        try:
            article = parse_article_file(file)
        except ArticleFileError as exc:
            self.stderr.write(f"{file}:{exc.line}: {exc.message}")
            raise SystemExit(2) from exc
        resolver = None
        if settings.RESOLVERS_ENABLED:
            from articles.validation.resolvers import RegistryResolver

            resolver = _Remembering(RegistryResolver())
        report = check_article(article=article, year=year, resolver=resolver)
        if format == "json":
            data = report.as_dict()
            if resolver is not None:
                data |= {"notices": resolver.notices(), "registries": resolver.resolver.registry_status()}
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            self._write_text(file, report, article=article)
        if report.has_errors:
            raise SystemExit(1)

    def _write_text(self, file: str, report: Report, *, article: ParsedArticle) -> None:
        for finding in report.findings:
            where = f"{file}:{finding.line}" if finding.line else file
            line = f"{where}: {finding.severity} {finding.rule}: {finding.message}"
            body = body_line_of(article=article, file_line=finding.line)
            self.stdout.write(f"{line} [body line {body}]" if body else line)
        summary = report.as_dict()["summary"]
        self.stdout.write(f"{summary['errors']} errors, {summary['warnings']} warnings, {summary['infos']} infos")
