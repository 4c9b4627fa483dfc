"""The evidence watch: published articles whose cited works have since been retracted.

A periodic job (task ``evidence_watch_task``, or ``manage.py watch_evidence`` from cron)
re-checks the references of every live publication through the resolvers, with fresh
lookups. When a cited work is now reported retracted, the article's live revision gets a new
validation report, an approved article goes back for re-review (its publication stays up
meanwhile), and the editors are told. Running it twice changes and sends nothing more.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django_tasks import task

from articles.models import Article
from articles.validation import reports
from reviews import webhooks
from reviews.locking import lock_article
from reviews.notifications import editor_emails, send_once
from reviews.workflow import transitions as workflow

RETRACTED = "reference-retracted"


@dataclass(frozen=True)
class EvidenceAlert:
    article_id: int
    publication_id: int
    references: tuple[int, ...]
    rereview_started: bool


def evidence_watch(*, resolver=None, max_age_days: int = 7) -> list[EvidenceAlert]:
    """Re-check every live publication's references; act on new retractions. Off without resolvers."""
    if resolver is None:
        if not settings.RESOLVERS_ENABLED:
            return []
        from articles.validation.resolvers import RegistryResolver

        resolver = RegistryResolver(max_age=timedelta(days=max_age_days))
    published = Article.objects.filter(live_publication__isnull=False).select_related("live_publication__revision")
    alerts = []
    for article in published.order_by("pk").iterator():
        alert = _check(article, resolver)
        if alert is not None:
            alerts.append(alert)
    return alerts


def _check(article: Article, resolver) -> EvidenceAlert | None:
    publication = article.live_publication
    report = reports.report_create(revision=publication.revision, use_resolvers=True, resolver=resolver)
    retracted = tuple(sorted({f["reference"] for f in report.findings if f["rule"] == RETRACTED}))
    if not retracted:
        return None
    started = False
    with transaction.atomic():
        locked = lock_article(article)
        if locked.status == Article.Status.APPROVED and locked.revision == publication.revision.number:
            numbers = ", ".join(map(str, retracted))
            workflow.start_rereview(
                article=locked, actor=None, reason=f"cited work retracted since approval: reference {numbers}"
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
    return EvidenceAlert(article.pk, publication.pk, retracted, started)


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
