"""Reads for the editors' desk in the admin. Each declares its joins so a page's query count is fixed."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from articles.models import Article, ArticleRevision, ScheduledPublication, ValidationReport
from articles.validation import reports
from reviews.models import ON_ROUND_STATUSES, ReviewAssignment, ValidationOverride


def articles_for_desk(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """The change list's rows: live revision as columns, current reviewers in one extra query."""
    shown = (
        ReviewAssignment.objects.filter(status__in=ON_ROUND_STATUSES)
        .select_related("reviewer")
        .only("article_id", "status", "reviewer__display_name")
        .order_by("pk")
    )
    return queryset.annotate(
        live_revision=F("live_publication__revision__number"),
        live_provisional=F("live_publication__provisional"),
    ).prefetch_related(Prefetch("assignments", queryset=shown, to_attr="desk_assignments"))


def with_reviewer(queryset: QuerySet[Article], *, reviewer_id: int) -> QuerySet[Article]:
    """Articles the reviewer has (or had) an assignment on."""
    return queryset.filter(Exists(ReviewAssignment.objects.filter(article=OuterRef("pk"), reviewer_id=reviewer_id)))


def overdue_review(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles with an open assignment past its due date."""
    return queryset.filter(Exists(ReviewAssignment.objects.overdue(timezone.now()).filter(article=OuterRef("pk"))))


def rereview_due(queryset: QuerySet[Article], *, within_days: int = 0) -> QuerySet[Article]:
    """Approved articles whose re-review date has come (or comes within ``within_days``)."""
    horizon = timezone.localdate() + timedelta(days=within_days)
    return queryset.rereview_due(horizon)


PUBLICATION_STATES = {
    "published": Q(live_publication__isnull=False, live_publication__provisional=False),
    "provisional": Q(live_publication__provisional=True),
    "unpublished": Q(live_publication__isnull=True),
}


def in_publication_state(queryset: QuerySet[Article], *, state: str) -> QuerySet[Article]:
    if state == "withdrawn":  # unpublished after having been live
        return queryset.filter(live_publication__isnull=True).filter(Exists(_withdrawals()))
    return queryset.filter(PUBLICATION_STATES[state])


def _withdrawals():
    from articles.models import PublicationWithdrawal

    return PublicationWithdrawal.objects.filter(article=OuterRef("pk"))


@dataclass
class ChangePage:
    """What the change page shows beside the form."""

    report: ValidationReport | None
    findings_by_reference: dict[int, list[dict]] = field(default_factory=dict)
    overridden: set[str] = field(default_factory=set)
    assignments: list[ReviewAssignment] = field(default_factory=list)
    revisions: list[ArticleRevision] = field(default_factory=list)
    publications: list = field(default_factory=list)
    pending_schedule: ScheduledPublication | None = None
    schedules: list[ScheduledPublication] = field(default_factory=list)

    @property
    def error_findings(self) -> list[dict]:
        return [f for f in (self.report.findings if self.report else []) if f["severity"] == "error"]


def change_page(*, article: Article) -> ChangePage:
    """The report, assignments, revisions, publications and schedules of one article."""
    revision = article.revisions.filter(number=article.revision).first()
    report = reports.latest_report(revision=revision) if revision else None
    by_reference: dict[int, list[dict]] = {}
    for finding in report.findings if report else []:
        if finding.get("reference"):
            by_reference.setdefault(int(finding["reference"]), []).append(finding)
    overridden = {
        key
        for rules in ValidationOverride.objects.filter(article=article, revision=article.revision).values_list(
            "rules", flat=True
        )
        for key in rules
    }
    schedules = list(article.schedules.select_related("revision", "created_by", "closed_by").order_by("-pk")[:10])
    return ChangePage(
        report=report,
        findings_by_reference=by_reference,
        overridden=overridden,
        assignments=list(article.assignments.select_related("reviewer", "assigned_by").order_by("-assigned_at", "-pk")),
        revisions=list(article.revisions.select_related("created_by").order_by("-number")),
        publications=list(
            article.publications.select_related("revision", "published_by").prefetch_related("withdrawals")
        ),
        pending_schedule=next((s for s in schedules if s.status == ScheduledPublication.Status.PENDING), None),
        schedules=schedules,
    )


def desk_overview() -> dict:
    """The publishing dashboard: re-reviews due and running, scheduled and failed publications."""
    articles = Article.objects.select_related("topic", "live_publication__revision")
    return {
        "rereview_due": list(rereview_due(articles, within_days=30).order_by("next_review_due")[:50]),
        "rereview_running": list(
            articles.filter(live_publication__isnull=False)
            .exclude(status__in=[Article.Status.APPROVED, Article.Status.ARCHIVED])
            .order_by("next_review_due", "pk")[:50]
        ),
        "overdue": list(overdue_review(articles).order_by("pk")[:50]),
        "schedules": list(
            ScheduledPublication.objects.filter(status__in=["pending", "failed"])
            .select_related("article", "revision", "created_by")
            .order_by("status", "publish_at")[:50]
        ),
    }
