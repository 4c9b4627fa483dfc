"""The audit view's reads: the workflow log and publications, filtered, on screen or as CSV."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Publication, PublicationWithdrawal
from reviews.models import TransitionLog

TRANSITION_COLUMNS = ("at", "article_id", "article", "revision", "transition", "from_status", "to_status", "actor",
                      "reason")  # fmt: skip
PUBLICATION_COLUMNS = ("published_at", "article_id", "article", "revision", "title", "provisional", "published_by",
                       "reason", "withdrawn_at", "withdrawn_by", "withdrawal_reason")  # fmt: skip


def _within(rows: QuerySet, field: str, since: date | None, until: date | None) -> QuerySet:
    """Rows whose ``field`` falls on or after ``since`` and on or before ``until`` (whole local days)."""
    if since:
        rows = rows.filter(**{f"{field}__gte": timezone.make_aware(datetime.combine(since, time.min))})
    if until:
        rows = rows.filter(**{f"{field}__lte": timezone.make_aware(datetime.combine(until, time.max))})
    return rows


def transitions_for_audit(
    *, article: int | None = None, actor: str = "", transition: str = "", since: date | None = None,
    until: date | None = None,
) -> QuerySet[TransitionLog]:  # fmt: skip
    """Workflow log rows, newest first, filtered by article, actor username, step and date range."""
    logs = TransitionLog.objects.select_related("article", "actor").order_by("-at", "-pk")
    if article:
        logs = logs.filter(article_id=article)
    if actor:
        logs = logs.filter(actor__username=actor) if actor != "system" else logs.filter(actor__isnull=True)
    if transition:
        logs = logs.filter(transition=transition)
    return _within(logs, "at", since, until)


def publications_for_audit(
    *, article: int | None = None, actor: str = "", since: date | None = None, until: date | None = None, **_
) -> QuerySet[Publication]:
    """Publications, newest first, with their withdrawals; ``actor`` is who published."""
    publications = (
        Publication.objects.select_related("article", "revision", "published_by")
        .prefetch_related("withdrawals__withdrawn_by")
        .order_by("-published_at", "-pk")
    )
    if article:
        publications = publications.filter(article_id=article)
    if actor:
        publications = publications.filter(published_by__username=actor)
    return _within(publications, "published_at", since, until)


def transition_steps() -> list[str]:
    return list(TransitionLog.objects.order_by("transition").values_list("transition", flat=True).distinct())


def _transition_row(log: TransitionLog) -> list:
    return [log.at.isoformat(), log.article_id, log.article.title, log.revision, log.transition, log.from_status,
            log.to_status, log.actor.username if log.actor else "system", log.reason]  # fmt: skip


def _publication_row(pub: Publication) -> list:
    withdrawal: PublicationWithdrawal | None = next(iter(pub.withdrawals.all()), None)
    return [
        pub.published_at.isoformat(), pub.article_id, pub.article.title, pub.revision.number, pub.title,
        pub.provisional, pub.published_by.username, pub.reason,
        withdrawal.withdrawn_at.isoformat() if withdrawal else "",
        withdrawal.withdrawn_by.username if withdrawal else "", withdrawal.reason if withdrawal else "",
    ]  # fmt: skip


def _neutralise(value):
    """Cells a spreadsheet would run as a formula are prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_text(kind: str, rows: Iterable) -> str:
    """The filtered rows as CSV; ``kind`` is "transitions" or "publications"."""
    columns, to_row = (
        (TRANSITION_COLUMNS, _transition_row) if kind == "transitions" else (PUBLICATION_COLUMNS, _publication_row)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for item in rows:
        writer.writerow([_neutralise(v) for v in to_row(item)])
    return out.getvalue()
