"""Stored validation reports: one per run over an ``ArticleRevision``.

The approval gate reads the latest report of the current revision. Reports are written by
``report_create`` (synchronously, when asked) or by the ``validate_revision`` task, which
``report_enqueue`` queues after the surrounding transaction commits.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import transaction
from django_tasks import task

from articles.models import ArticleRevision, ValidationReport
from articles.validation.engine import validate


def report_create(*, revision: ArticleRevision, use_resolvers: bool | None = None, resolver=None) -> ValidationReport:
    """Validate a revision's body and references and store the findings as a new report.

    Resolvers (Crossref, NCBI) are used when ``use_resolvers`` is true, or when it is None
    and ``settings.RESOLVERS_ENABLED`` is set; ``resolver`` replaces the default registry
    client (tests pass one with a recorded transport). Each stored finding carries its
    ``key``, the id acknowledgements and overrides refer to.
    """
    if use_resolvers is None:
        use_resolvers = settings.RESOLVERS_ENABLED
    if not use_resolvers:
        resolver = None
    elif resolver is None:
        from articles.validation.resolvers import RegistryResolver

        resolver = RegistryResolver()
    references = [ref for ref in revision.references or [] if isinstance(ref, dict)]
    audience = revision.article.audience
    report = validate(body=revision.body, references=references, resolver=resolver, audience=audience)
    return ValidationReport.objects.create(
        revision=revision,
        findings=[{**finding.as_dict(), "key": finding.key} for finding in report.findings],
        errors=report.errors,
        warnings=report.warnings,
        infos=report.infos,
        resolvers_used=report.resolvers_used,
    )


def latest_report(*, revision: ArticleRevision) -> ValidationReport | None:
    """The newest report for the revision, or None if it has never been validated."""
    return ValidationReport.objects.filter(revision=revision).order_by("-created_at", "-pk").first()


@task()
def validate_revision(revision_id: int) -> int | None:
    """Background validation of one revision. Idempotent: a revision that already has a
    report is left alone (revisions are immutable, so the report would be the same unless
    resolvers are on, and then the periodic evidence watch re-checks). Returns the report id."""
    revision = ArticleRevision.objects.filter(pk=revision_id).first()
    if revision is None:
        return None
    existing = latest_report(revision=revision)
    if existing is not None:
        return existing.pk
    return report_create(revision=revision).pk


def report_enqueue(*, revision: ArticleRevision) -> None:
    """Queue validation of the revision once the current transaction commits."""
    transaction.on_commit(partial(validate_revision.enqueue, revision_id=revision.pk))
