"""Readers' reports of errors on a page, and the editors' queue they land in.

A report is tied to the revision the reader saw. Its state moves only through the functions
here: new → triaged → fixed, or new/triaged → dismissed (with a reason). When a correction is
published, ``error_reports_notify_fixed`` emails each reporter who left an address, once.
"""

from __future__ import annotations

import hashlib
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from articles.models import Article, ErrorReport, Publication, PublicationChange

State = ErrorReport.State
# Which states each move starts from.
MOVES = {
    "triage": (frozenset({State.NEW}), State.TRIAGED),
    "fix": (frozenset({State.NEW, State.TRIAGED}), State.FIXED),
    "dismiss": (frozenset({State.NEW, State.TRIAGED}), State.DISMISSED),
}


class ReportRefused(ValueError):
    """The report cannot be taken or the state change is not allowed; the message says why."""


def _rate_key(address: str) -> str:
    # Addresses are hashed: the cache never holds a reader's IP address in clear.
    return "error-report-rate:" + hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]


def error_report_rate_limited(*, address: str) -> bool:
    """Count one report from ``address``; True once it has sent more than ERROR_REPORTS_PER_HOUR this hour."""
    key = _rate_key(address)
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        return False
    return count > settings.ERROR_REPORTS_PER_HOUR


def error_report_submit(*, article: Article, category: str, message: str, email: str = "") -> ErrorReport:
    """Store a reader's report on the live revision of ``article``. Raises ReportRefused if the article is not
    live, ValidationError naming a bad field."""
    publication = article.live_publication
    if publication is None:
        raise ReportRefused("this article is not published, so there is nothing to report on")
    report = ErrorReport(
        article=article,
        revision_id=publication.revision_id,
        category=category,
        message=(message or "").strip(),
        email=(email or "").strip(),
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def _move(*, report: ErrorReport, move: str, actor, reason: str = "") -> ErrorReport:
    report = ErrorReport.objects.select_for_update().get(pk=report.pk)
    sources, target = MOVES[move]
    if report.state not in sources:
        raise ReportRefused(f"report {report.pk} is {report.state}; it cannot be marked {target}")
    report.state, report.state_changed_at, report.state_changed_by = target, timezone.now(), actor
    update = ["state", "state_changed_at", "state_changed_by"]
    if move == "dismiss":
        report.dismissed_reason = reason
        update.append("dismissed_reason")
    report.save(update_fields=update)
    return report


def error_report_triage(*, report: ErrorReport, actor) -> ErrorReport:
    """An editor has read a new report and will deal with it. Raises ReportRefused from any other state."""
    return _move(report=report, move="triage", actor=actor)


def error_report_fix(*, report: ErrorReport, actor) -> ErrorReport:
    """The error is fixed in a newer revision; the reporter hears when its correction is published."""
    return _move(report=report, move="fix", actor=actor)


def error_report_dismiss(*, report: ErrorReport, actor, reason: str) -> ErrorReport:
    """Not an error (or a duplicate): closed with the editor's reason. Raises ValidationError if it is blank."""
    if not (reason or "").strip():
        raise ValidationError({"dismissed_reason": "Say why the report is dismissed."})
    return _move(report=report, move="dismiss", actor=actor, reason=reason.strip())


def error_reports_notify_fixed(*, publication: Publication) -> int:
    """Email once each reporter of a fixed error on the article, when ``publication`` is a correction.

    Idempotent: a report is marked notified under its row lock and mailed after commit, so running it
    again (or for a later publication) mails nobody twice. Returns how many reporters will be mailed.
    """
    if not PublicationChange.objects.filter(publication=publication, kind=PublicationChange.Kind.CORRECTION).exists():
        return 0
    url = f"{settings.SITE_URL}{publication.article.get_absolute_url()}"
    sent = 0
    with transaction.atomic():
        due = (
            ErrorReport.objects.select_for_update(skip_locked=True)
            .filter(article_id=publication.article_id, state=State.FIXED, notified_at__isnull=True)
            .exclude(email="")
            .order_by("pk")
        )
        for report in due:
            report.notified_at = timezone.now()
            report.save(update_fields=["notified_at"])
            transaction.on_commit(partial(_mail_reporter, email=report.email, title=publication.title, url=url))
            sent += 1
    return sent


def _mail_reporter(*, email: str, title: str, url: str) -> None:
    send_mail(
        subject=f"Corrected: {title}",
        message=(
            f"Thank you for reporting a problem with “{title}”. We have published a correction:\n\n{url}\n\n"
            "You are receiving this once because you left your address with the report."
        ),
        from_email=None,
        recipient_list=[email],
    )
