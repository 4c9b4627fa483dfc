"""Stored validation reports: one per run over an ``ArticleRevision``.

The approval gate reads the latest report of the current revision. Reports are written by
``report_create`` (synchronously, when asked) or by the ``validate_revision`` task, which
``report_enqueue`` queues after the surrounding transaction commits.

Online checks always happen when resolvers are on: a report records which registries answered,
when, and which failed (``registries``), and ``consulted_at`` once every registry asked has
answered. An offline report (the gate writes one when it needs a report at once) never stops
the online check: the task runs whenever the newest report was not consulted online, and on
an outage it keeps the offline report and asks again later with backoff.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from articles.models import ArticleRevision, ValidationReport
from articles.validation.engine import validate

log = logging.getLogger(__name__)
# Backoff of the online check after an outage: 1, 2, 4, 8, 16, 32 minutes, then it waits for the
# next revision, gate check or evidence watch.
ONLINE_RETRY_BASE = timedelta(minutes=1)
ONLINE_RETRY_ATTEMPTS = 6


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
    return _store(revision, resolver)


def _store(revision: ArticleRevision, resolver, *, outage_stores: bool = True) -> ValidationReport | None:
    references = [ref for ref in revision.references or [] if isinstance(ref, dict)]
    report = validate(body=revision.body, references=references, resolver=resolver, audience=revision.article.audience)
    registries = resolver.registry_status() if hasattr(resolver, "registry_status") else []
    answered = [entry for entry in registries if entry.get("answered_at")]
    if registries and not answered and not outage_stores:
        return None  # no registry answered: this would say less than the report already stored
    failed = any(entry.get("error") for entry in registries)
    return ValidationReport.objects.create(
        revision=revision,
        findings=[{**finding.as_dict(), "key": finding.key} for finding in report.findings],
        errors=report.errors,
        warnings=report.warnings,
        infos=report.infos,
        resolvers_used=report.resolvers_used,
        registries=registries,
        consulted_at=timezone.now() if resolver is not None and not failed else None,
    )


def report_check_online(*, revision: ArticleRevision, resolver=None) -> ValidationReport | None:
    """Validate with the registries and store the report, unless none of them answered (an
    outage): then nothing is stored and None is returned, so an outage never replaces a report.
    Never call it under a row lock: it waits for the network."""
    if resolver is None:
        from articles.validation.resolvers import RegistryResolver

        resolver = RegistryResolver()
    return _store(revision, resolver, outage_stores=False)


def registries_note(*, report: ValidationReport | None) -> str | None:
    """What the gate says when the registries have not confirmed the report, or None when they have
    (or resolvers are off, where offline is the product's normal mode)."""
    if report is None or report.consulted_at is not None or not settings.RESOLVERS_ENABLED:
        return None
    failed = [f"{entry['registry']} ({entry['error']})" for entry in report.registries if entry.get("error")]
    if failed:
        return "registries not consulted yet: " + "; ".join(failed) + " did not answer"
    return "registries not consulted yet"


def latest_report(*, revision: ArticleRevision) -> ValidationReport | None:
    """The newest report for the revision, or None if it has never been validated."""
    return ValidationReport.objects.filter(revision=revision).order_by("-created_at", "-pk").first()


@task()
def validate_revision(revision_id: int, attempt: int = 0) -> int | None:
    """Background validation of one revision; returns the id of its newest report.

    Idempotent: a revision whose newest report was consulted online (or any report, with
    resolvers off) is left alone, since revisions are immutable and the evidence watch re-checks
    live ones. Otherwise the registries are asked; on an outage the offline report stays (one is
    written if there is none) and the check is queued again with backoff."""
    revision = ArticleRevision.objects.filter(pk=revision_id).first()
    if revision is None:
        return None
    existing = latest_report(revision=revision)
    if existing is not None and (existing.consulted_at is not None or not settings.RESOLVERS_ENABLED):
        return existing.pk
    if not settings.RESOLVERS_ENABLED:
        return report_create(revision=revision, use_resolvers=False).pk
    report = report_check_online(revision=revision)
    if report is None:
        report = existing or report_create(revision=revision, use_resolvers=False)
    if report.consulted_at is None:
        _retry_later(revision_id=revision_id, attempt=attempt)
    return report.pk


def _retry_later(*, revision_id: int, attempt: int) -> None:
    if attempt + 1 >= ONLINE_RETRY_ATTEMPTS:
        log.warning("registries still not consulted for revision %s after %s attempts", revision_id, attempt + 1)
        return
    if not validate_revision.get_backend().supports_defer:
        # The immediate backend runs tasks in the request: waiting there would stall the reviewer.
        log.info("task backend cannot defer; revision %s is checked online on its next trigger", revision_id)
        return
    run_after = timezone.now() + ONLINE_RETRY_BASE * 2**attempt
    validate_revision.using(run_after=run_after).enqueue(revision_id=revision_id, attempt=attempt + 1)


def report_enqueue(*, revision: ArticleRevision) -> None:
    """Queue validation of the revision once the current transaction commits."""
    transaction.on_commit(partial(validate_revision.enqueue, revision_id=revision.pk))


def report_for_gate(*, revision: ArticleRevision) -> ValidationReport:
    """The newest report, or, when there is none, an offline one written now (this may run under
    the article's row lock, where the network is never awaited) with the online check queued
    after commit (it retries itself with backoff, so later calls do not queue it again)."""
    report = latest_report(revision=revision)
    if report is None:
        report = report_create(revision=revision, use_resolvers=False)
        if settings.RESOLVERS_ENABLED:
            report_enqueue(revision=revision)
    return report
