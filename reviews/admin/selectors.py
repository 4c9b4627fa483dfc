"""The editors' desk's one set of reads: the admin desk, and /review/desk/ as its thin face.

Each declares its joins so a page's query count is fixed.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Exists, F, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django.utils.text import smart_split, unescape_string_literal

from articles.models import Article, ArticleRevision, Reference, ScheduledPublication, ValidationReport
from articles.validation import reports
from articles.validation.source_rules import published_versions
from reviews import permissions as perms
from reviews.exceptions import NotPermitted
from reviews.jobs.models import EvidenceWatchRun
from reviews.models import ON_ROUND_STATUSES, ReviewAssignment, ReviewerProfile, TransitionLog, ValidationOverride

A = ReviewAssignment.Status
EXPIRY_WINDOW_DAYS = 60


def articles_for_desk(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """The change list's rows: live revision and the current revision's report counts as columns,
    current reviewers in one extra query (the admin joins the topic and the author)."""
    shown = (
        ReviewAssignment.objects.filter(status__in=ON_ROUND_STATUSES)
        .select_related("reviewer")
        .only("article_id", "status", "reviewer__display_name")
        .order_by("pk")
    )
    latest = ValidationReport.objects.filter(
        revision__article=OuterRef("pk"), revision__number=OuterRef("revision")
    ).order_by("-created_at", "-pk")
    return queryset.annotate(
        report_errors=Subquery(latest.values("errors")[:1]),
        report_warnings=Subquery(latest.values("warnings")[:1]),
    ).prefetch_related(Prefetch("assignments", queryset=shown, to_attr="desk_assignments"))


# Articles a reference identifier may name: enough for any real search, and a bound on the query.
MAX_REFERENCE_MATCHES = 1000


def search_for_desk(queryset: QuerySet[Article], *, terms: str) -> QuerySet[Article]:
    """The change list's search: every word occurs in the title or the slug, or is a reference's whole DOI,
    PMID, PMCID or ISBN (case-insensitive). Two queries whatever the number of articles: the references
    first (their identifier indexes), then the articles by id or by the title and slug trigram indexes,
    with no join that would make rows repeat (so no DISTINCT over the whole result)."""
    words = [unescape_string_literal(w) if w[:1] in "\"'" and w[-1:] == w[:1] and len(w) > 1 else w
             for w in smart_split(terms)]  # fmt: skip
    words = [w for w in words if w.strip()]
    if not words:
        return queryset
    upper = [w.upper() for w in words]
    found = (
        Reference.objects.annotate(u_doi=Upper("doi"), u_pmcid=Upper("pmcid"), u_isbn=Upper("isbn"))
        .filter(Q(u_doi__in=upper) | Q(pmid__in=words) | Q(u_pmcid__in=upper) | Q(u_isbn__in=upper))
        .values_list("article_id", "doi", "pmid", "pmcid", "isbn")[:MAX_REFERENCE_MATCHES]
    )
    named: dict[str, set[int]] = {w: set() for w in upper}
    for article_id, *identifiers in found:
        for identifier in identifiers:
            if identifier and identifier.upper() in named:
                named[identifier.upper()].add(article_id)
    for word, key in zip(words, upper, strict=True):
        queryset = queryset.filter(Q(title__icontains=word) | Q(slug__icontains=word) | Q(pk__in=sorted(named[key])))
    return queryset


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
    republishable: list[int] = field(default_factory=list)
    registries_note: str | None = None
    swaps: dict[int, str] = field(default_factory=dict)  # preprint reference → its published DOI

    @property
    def error_findings(self) -> list[dict]:
        return [f for f in (self.report.findings if self.report else []) if f["severity"] == "error"]


def republishable_revisions(*, article: Article, publications: list) -> list[int]:
    """Revisions the Republish control offers, newest first: those the board approved (their last
    decision in the log) or that were published before. The publishing rule still decides."""
    decided: dict[int, str] = {}
    logs = TransitionLog.objects.filter(article=article, transition__in=("approve", "request_changes", "reject"))
    for number, name in logs.order_by("at", "pk").values_list("revision", "transition"):
        decided[number] = name
    numbers = {n for n, name in decided.items() if name == "approve"} | {p.revision.number for p in publications}
    if article.status == Article.Status.APPROVED:
        numbers.add(article.revision)
    return sorted(numbers, reverse=True)


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
    publications = list(article.publications.select_related("revision", "published_by").prefetch_related("withdrawals"))
    return ChangePage(
        report=report,
        findings_by_reference=by_reference,
        overridden=overridden,
        assignments=list(article.assignments.select_related("reviewer", "assigned_by").order_by("-assigned_at", "-pk")),
        revisions=list(article.revisions.select_related("created_by").order_by("-number")),
        publications=publications,
        republishable=republishable_revisions(article=article, publications=publications),
        pending_schedule=next((s for s in schedules if s.status == ScheduledPublication.Status.PENDING), None),
        schedules=schedules,
        registries_note=reports.registries_note(report=report),
        swaps=published_versions(report.findings if report else []),
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
        "evidence_run": EvidenceWatchRun.objects.first(),
    }


@dataclass
class Suggestion:
    profile: ReviewerProfile
    topic_match: bool
    specialty_match: bool
    open_load: int
    at_cap: bool
    already_assigned: bool
    credentials_problem: str | None


def reviewer_suggestions(*, article: Article) -> list[Suggestion]:
    """Active reviewers for the assign form, best first: a required specialty of the topic, then
    the article's topic among theirs, then the lightest open load relative to their cap.
    The article's author is never suggested."""
    required = {s.casefold() for s in (article.topic.required_specialties if article.topic_id else [])}
    active = Q(assignments__status__in=ReviewAssignment.ACTIVE)
    profiles = (
        ReviewerProfile.objects.filter(active=True)
        .exclude(user_id=article.author_id)
        .select_related("user")
        .annotate(
            open_load=Count("assignments", filter=active, distinct=True),
            on_article=Count("assignments", filter=active & Q(assignments__article=article), distinct=True),
            topic_match=Count("topics", filter=Q(topics=article.topic_id), distinct=True),
        )
    )
    out = [
        Suggestion(
            profile=p,
            topic_match=p.topic_match > 0,
            specialty_match=p.specialty.casefold() in required,
            open_load=p.open_load,
            at_cap=p.open_load >= p.max_open_assignments,
            already_assigned=p.on_article > 0,
            credentials_problem=perms.credentials_problem(p),
        )
        for p in profiles
    ]
    out.sort(
        key=lambda s: (
            s.already_assigned,
            not s.specialty_match,
            not s.topic_match,
            s.open_load / max(s.profile.max_open_assignments, 1),
            s.profile.display_name,
        )
    )
    return out


@dataclass
class Dashboard:
    by_state: list[tuple[str, str, int]]  # (state, label, count up to STATE_COUNT_CAP)
    overdue: list[ReviewAssignment]
    waiting: list[Article]
    rereview_due: list[Article]
    expiring: list[ReviewerProfile]
    interests: list[ReviewAssignment]
    ready: list[Article] = field(default_factory=list)
    evidence_run: EvidenceWatchRun | None = None  # the evidence watch's last run
    more: set[str] = field(default_factory=set)  # the lists cut at DESK_LIST_LIMIT (their links list all)
    states_capped: set[str] = field(default_factory=set)  # the states with more than STATE_COUNT_CAP articles


def _open_assignments() -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.open()
        .filter(article__status__in=(Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW))
        .select_related("article", "reviewer__user", "assigned_by")
    )


def waiting_for_reviewers(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Rounds that need a reviewer: the article row's stored ``needs_reviewer`` (its definition and its
    upkeep are in ``reviews.workflow.rounds``), which the partial index ``article_needs_reviewer`` serves;
    annotated with ``reviewers`` (open or decided on the current round), ``quorum`` and ``first_due``
    (the earliest open due date), one subquery each for the rows shown only."""
    round_ = ReviewAssignment.objects.filter(article=OuterRef("pk"), revision=OuterRef("revision")).order_by()
    counted = round_.filter(status__in=ON_ROUND_STATUSES).values("article").annotate(n=Count("pk")).values("n")
    first_due = round_.filter(status__in=ReviewAssignment.ACTIVE).values("article").annotate(d=Min("due_at"))
    return queryset.filter(needs_reviewer=True).annotate(
        reviewers=Coalesce(Subquery(counted), 0),
        quorum=Coalesce("topic__required_approvals", 1),
        first_due=Subquery(first_due.values("d")),
    )


def ready_to_publish(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Approved articles whose approved revision is not the one readers see: the article row's own
    ``live_revision`` against its ``revision``, which the partial index ``article_ready`` serves."""
    return queryset.ready_to_publish()


# The desk's counts by state stop where the change list's count does ("10000+ approved"): each reads at
# most STATE_COUNT_CAP + 1 entries of the index on (status, updated_at), all in one query, so the desk
# never reads every article. Below the cap a count is exact (the queues an editor works through).
STATE_COUNT_CAP = 10_000


class _CappedCount(Subquery):
    template = "(SELECT count(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def state_counts(*, cap: int | None = None) -> tuple[dict[str, int], set[str]]:
    """Articles in each state, counted up to ``cap`` (STATE_COUNT_CAP), and the states past it."""
    cap = cap or STATE_COUNT_CAP
    rows = {f"n_{v}": Article.objects.filter(status=v).order_by().values("pk")[: cap + 1] for v in Article.Status}
    found = Article.objects.order_by().annotate(**{k: _CappedCount(q) for k, q in rows.items()}).values(*rows)[:1]
    counts = {key[2:]: n for key, n in (found[0] if found else {}).items()}
    return {v: min(n, cap) for v, n in counts.items()}, {v for v, n in counts.items() if n > cap}


# Each list of the editors' desk shows its first rows: at 100,000 articles a list of every overdue or
# waiting article would be a page nobody reads (and grows with the site); the count links list them all.
DESK_LIST_LIMIT = 50


def dashboard_for_editor(*, user, today: date | None = None) -> Dashboard:
    """The editors' desk: articles by state, overdue assignments, rounds that need a reviewer,
    approved articles not yet live, articles past their re-review date, credentials expiring within
    60 days (or never verified) and declared interests waiting for an editor-in-chief.
    Editors only (NotPermitted otherwise)."""
    if not perms.is_editor(user):
        raise NotPermitted("open the desk", "-", "only editors use the editors' desk")
    today = today or timezone.localdate()
    counts, capped = state_counts()
    articles = Article.objects.select_related("topic")
    expiring = ReviewerProfile.objects.filter(active=True).filter(
        Q(licence_expires__lte=today + timedelta(days=EXPIRY_WINDOW_DAYS))
        | Q(licence_expires__isnull=True)
        | Q(credentials_verified_at__isnull=True)
    )
    interests = _open_assignments().filter(
        conflict=ReviewAssignment.Conflict.INTEREST, conflict_cleared_by__isnull=True, status=A.ACCEPTED
    )
    lists = {
        "overdue": _open_assignments().overdue(timezone.now()).order_by("due_at", "pk"),
        "waiting": waiting_for_reviewers(articles).order_by("updated_at", "pk"),
        "rereview_due": articles.rereview_due(today).order_by("next_review_due", "pk"),
        "expiring": expiring.order_by(F("licence_expires").asc(nulls_first=True), "pk"),
        "interests": interests.order_by("pk"),
        "ready": ready_to_publish(articles.select_related("live_publication__revision")).order_by("updated_at"),
    }
    shown = {name: list(rows[: DESK_LIST_LIMIT + 1]) for name, rows in lists.items()}
    more = {name for name, rows in shown.items() if len(rows) > DESK_LIST_LIMIT}
    return Dashboard(
        by_state=[(value, label, counts.get(value, 0)) for value, label in Article.Status.choices],
        **{name: rows[:DESK_LIST_LIMIT] for name, rows in shown.items()},
        more=more,
        states_capped=capped,
        evidence_run=EvidenceWatchRun.objects.first(),
    )


def assignment_for_desk(*, pk: int) -> ReviewAssignment:
    """An assignment as the editors see it (for withdraw, reassign and clearing a conflict)."""
    return ReviewAssignment.objects.select_related("article__topic", "reviewer__user").get(pk=pk)


def article_for_desk(*, pk: int) -> Article:
    """An article with its assignments, for the assign form."""
    return Article.objects.select_related("topic", "author").get(pk=pk)


def assignments_on_article(*, article: Article) -> list[ReviewAssignment]:
    return list(article.assignments.select_related("reviewer").order_by("-assigned_at", "-pk"))


def recent_article_titles(*, limit: int = 200) -> list[str]:
    """Titles for the audit filter's suggestions, most recently changed first."""
    return list(Article.objects.order_by("-updated_at", "-pk").values_list("title", flat=True)[:limit])
