"""The evidence watch: published articles whose cited works have since drawn a notice.

A periodic job (task ``evidence_watch_task``, or ``manage.py watch_evidence`` from cron)
re-checks the references of every live publication through the resolvers, with fresh
lookups, and stores what it found as a new report on the live revision (every notice,
expression of concern and superseded preprint, per reference). Only errors act: a retraction,
withdrawal or removal, or an expression of concern no editor-in-chief acknowledged for that
revision, sends an approved article back for re-review (its publication stays up meanwhile);
editors are told of retractions. An outage stores and flags nothing. Running it twice changes
and sends nothing more. Each run leaves an ``EvidenceWatchRun`` (when, how many articles it
checked, how many no registry answered for, what it found), which the editors' desk shows.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from articles.models import Article
from articles.validation import reports
from articles.validation.source_rules import NOTICE_ERROR_RULES, SOURCE_RULES
from reviews import webhooks
from reviews.jobs.models import EvidenceWatchRun
from reviews.locking import lock_article
from reviews.models import REREVIEW_EVIDENCE_REASON, ValidationOverride
from reviews.notifications import editor_emails, send_once
from reviews.workflow import transitions as workflow

RETRACTED = "reference-retracted"
_WATCHED = {rule.id for rule in SOURCE_RULES}  # notices, preprints and source-quality signals


@dataclass(frozen=True)
class EvidenceAlert:
    article_id: int
    publication_id: int
    references: tuple[int, ...]  # the references with an error that acts
    rereview_started: bool
    found: tuple[tuple[int, str, str], ...] = ()  # (reference, rule, severity) of every notice finding


def evidence_watch(*, resolver=None, max_age_days: int = 7) -> list[EvidenceAlert]:
    """Re-check every live publication's references; act on new retractions. Off without resolvers."""
    if resolver is None:
        if not settings.RESOLVERS_ENABLED:
            return []
        from articles.validation.resolvers import RegistryResolver

        resolver = RegistryResolver(max_age=timedelta(days=max_age_days))
    started_at = timezone.now()
    published = Article.objects.filter(live_publication__isnull=False).select_related("live_publication__revision")
    alerts, checked, unanswered, found = [], 0, 0, []
    for article in published.order_by("pk").iterator():
        checked += 1
        outcome = _check(article, resolver)
        if outcome is None:
            unanswered += 1
            continue
        alert, notices = outcome
        if notices:
            rows = [{"reference": ref, "rule": rule, "severity": severity} for ref, rule, severity in notices]
            found.append({"article_id": article.pk, "title": article.title, "findings": rows})
        if alert is not None:
            alerts.append(alert)
    EvidenceWatchRun.objects.create(
        started_at=started_at, finished_at=timezone.now(), checked=checked, unanswered=unanswered,
        rereviews_started=sum(alert.rereview_started for alert in alerts), found=found,
    )  # fmt: skip
    return alerts


def _check(article: Article, resolver) -> tuple[EvidenceAlert | None, tuple] | None:
    """The alert (None when nothing acts) and the notice findings; None when no registry answered."""
    publication = article.live_publication
    report = reports.report_check_online(revision=publication.revision, resolver=resolver)
    if report is None:
        return None  # no registry answered: an outage flags nothing
    # The stored report keeps every finding per reference; the alert names the notice ones.
    found = tuple((f["reference"], f["rule"], f["severity"]) for f in report.findings if f["rule"] in _WATCHED)
    overrides = ValidationOverride.objects.filter(article=article, revision=publication.revision.number)
    acknowledged = {key for override in overrides for key in override.rules}
    acting = [f for f in report.findings if f["rule"] in NOTICE_ERROR_RULES and f["key"] not in acknowledged]
    retracted = tuple(sorted({f["reference"] for f in acting}))
    if not retracted:
        return None, found  # warnings (a correction, a superseded preprint) are in the report; they start nothing
    started = False
    with transaction.atomic():
        locked = lock_article(article)
        if locked.status == Article.Status.APPROVED and locked.revision == publication.revision.number:
            numbers = ", ".join(map(str, retracted))
            kinds = " or ".join(sorted({"retracted" if f["rule"] == RETRACTED else "under concern" for f in acting}))
            workflow.start_rereview(
                article=locked,
                actor=None,
                reason=f"{REREVIEW_EVIDENCE_REASON}{kinds} since approval: reference {numbers}",
                job="the evidence watch",
            )
            started = True
        webhooks.event_emit(
            event="evidence_notice", article=article,
            data={"retracted_references": list(retracted), "rereview_started": started},
        )  # fmt: skip
        transaction.on_commit(
            partial(
                retraction_notice.enqueue, article_id=article.pk, report_id=report.pk, publication_id=publication.pk
            )
        )
    return EvidenceAlert(article.pk, publication.pk, retracted, started, found), found


@task()
def retraction_notice(article_id: int, report_id: int, publication_id: int) -> int:
    """Tell the editors which live article cites retracted work; once per publication and reference."""
    from articles.models import ValidationReport

    article = Article.objects.get(pk=article_id)
    findings = [f for f in ValidationReport.objects.get(pk=report_id).findings if f["rule"] == RETRACTED]
    sent = 0
    for finding in findings:
        for email in editor_emails():
            sent += send_once(
                key=f"retraction:{publication_id}:{finding['reference']}:{email}",
                recipient=email,
                template="reviews/email/retraction.txt",
                context={"article": article, "finding": finding},
            )
    return sent


@task()
def evidence_watch_task() -> int:
    """The periodic job for the task worker; returns how many articles were flagged."""
    return len(evidence_watch())
