"""Review rounds, and the one table of assignment moves: nothing else sets ``ReviewAssignment.status``.

A round is the set of assignments on one revision. It starts when the workflow submits or an
edit makes a new revision (the previous round's reviewers are re-invited), older assignments go
stale when the content changes, and it ends when the article is approved (open invitations to
the other reviewers are withdrawn). Callers hold the article row lock; every move writes a
history row with who and why.

The article row's ``needs_reviewer`` (the editors' desk's "needs a reviewer") is stored here, by
``desk_flags_refresh``, from its one definition ``needs_reviewer_counted``: every assignment move and
invitation below, every article step (``workflow._move``, ``workflow.edit``, ``workflow.article_edit``)
and a topic's quorum change call it in their transaction, under the row locks they hold.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from articles.history import history_note
from articles.models import Article, Topic
from reviews import notifications, webhooks
from reviews.exceptions import AssignmentRefused, TransitionNotAllowed
from reviews.models import ON_ROUND_STATUSES, OPEN_STATUSES, ReviewAssignment, ReviewerProfile

A = ReviewAssignment.Status
REINVITE_DAYS = 14
IN_REVIEW = (Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW)


def needs_reviewer_counted(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """What "needs a reviewer" means, counted from the assignments: submitted or under review with fewer
    open or decided assignments of the current round than the topic's quorum, or no active reviewer at
    all (a re-review's new round makes the earlier decisions on the same revision stale, so they do not
    count). A join of three tables that no index serves: the desk reads the flag stored from it."""
    counted = Q(assignments__revision=F("revision"), assignments__status__in=ON_ROUND_STATUSES)
    active = Q(assignments__revision=F("revision"), assignments__status__in=ReviewAssignment.ACTIVE)
    return (
        queryset.filter(status__in=IN_REVIEW)
        .annotate(
            reviewers=Count("assignments", filter=counted, distinct=True),
            active_reviewers=Count("assignments", filter=active, distinct=True),
            quorum=Coalesce("topic__required_approvals", 1),
        )
        .filter(Q(reviewers__lt=F("quorum")) | Q(active_reviewers=0))
    )


def desk_flags_refresh(*, articles: QuerySet[Article]) -> int:
    """Store ``needs_reviewer_counted`` as ``needs_reviewer`` on each of ``articles``, in one UPDATE
    (no ``save``: the row's version and last change stay, as no one edited the article)."""
    return articles.update(needs_reviewer=Exists(needs_reviewer_counted(Article.objects.filter(pk=OuterRef("pk")))))


def desk_flag_refresh(*, article_id: int) -> None:
    """The flag of one article, after a step on it (its row locked by the caller). Its topic's row is
    share-locked first: a quorum change in flight (``topic_quorum_change``) is waited for, and the
    count then reads the quorum it committed, so a step racing a quorum change never stores the old one."""
    if connection.vendor == "postgresql":  # SQLite has one writer at a time: nothing to wait for
        topics, articles = Topic._meta.db_table, Article._meta.db_table
        with connection.cursor() as cursor:  # FOR SHARE: steps on one topic's articles never wait for each other
            cursor.execute(
                f"SELECT 1 FROM {topics} WHERE id = (SELECT topic_id FROM {articles} WHERE id = %s) FOR SHARE",
                [article_id],
            )
    desk_flags_refresh(articles=Article.objects.filter(pk=article_id))


def desk_flag_mismatches() -> list[int]:
    """Articles whose stored flag is not what ``needs_reviewer_counted`` says now (none, while every
    step refreshes it): ``manage.py check_desk_flags`` reports and repairs them."""
    counted = set(needs_reviewer_counted(Article.objects.all()).values_list("pk", flat=True))
    stored = set(Article.objects.filter(needs_reviewer=True).values_list("pk", flat=True))
    return sorted(counted ^ stored)


def topic_quorum_change(*, topic: Topic, save) -> None:
    """Save a topic whose quorum changed (``save()``) and refresh the flag of each of its articles in review
    (or flagged). Article rows first, in pk order (the lock order of ``reviews.locking``), then the topic
    row, then the count, which also finds an article that a step moved into the topic meanwhile: that step
    share-locked the topic (``desk_flag_refresh``), so the topic's save waited for it to commit."""
    with transaction.atomic():
        list(_topic_rows(topic.pk).select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
        save()
        desk_flags_refresh(articles=_topic_rows(topic.pk))


def _topic_rows(topic_id: int) -> QuerySet[Article]:
    return Article.objects.filter(topic_id=topic_id).filter(Q(status__in=IN_REVIEW) | Q(needs_reviewer=True))


@dataclass(frozen=True)
class Move:
    sources: frozenset[str]
    target: str


MOVES: dict[str, Move] = {
    "accept": Move(frozenset({A.INVITED}), A.ACCEPTED),
    "decline": Move(frozenset({A.INVITED}), A.DECLINED),
    "withdraw": Move(frozenset(OPEN_STATUSES), A.WITHDRAWN),
    "decide": Move(frozenset({A.ACCEPTED}), A.SUBMITTED),
    "mark_stale": Move(frozenset(ON_ROUND_STATUSES), A.STALE),
    "end_round": Move(frozenset(OPEN_STATUSES), A.WITHDRAWN),
}


def assignment_move(assignment: ReviewAssignment, name: str, *, actor, reason: str, fields=()) -> ReviewAssignment:
    """Take move ``name`` of MOVES and save it with ``fields`` changed alongside the status.

    The caller checked who may act and said why in its own words; a move from a status the
    table does not allow raises TransitionNotAllowed (a programming error, never a user's).
    """
    move = MOVES[name]
    if assignment.status not in move.sources:
        allowed = ", ".join(sorted(move.sources))
        raise TransitionNotAllowed(name, assignment.status, f"an assignment moves so only from {allowed}")
    assignment.status = move.target
    history_note(assignment, actor=actor, reason=reason)
    assignment.save(update_fields=["status", *fields])
    desk_flag_refresh(article_id=assignment.article_id)
    return assignment


def assignment_invite(
    *,
    article: Article,
    reviewer: ReviewerProfile,
    actor,
    due_at: datetime,
    override_reason: str,
    reason: str,
    by: str = "",
) -> ReviewAssignment:
    """A new invited assignment on the article's current revision; the invitation is emailed after commit.

    ``by`` names the job that invites when no person does ("the scheduled re-review"); the
    assignment then records the editor who assigned the reviewer before as ``assigned_by``."""
    at_cap = ReviewAssignment.objects.open().filter(reviewer=reviewer).count() >= reviewer.max_open_assignments
    assignment = ReviewAssignment(
        article=article,
        reviewer=reviewer,
        revision=article.revision,
        assigned_by=actor,
        due_at=due_at,
        cap_override_reason=override_reason.strip() if at_cap else "",
    )
    history_note(assignment, actor=actor, reason=reason)
    try:
        with transaction.atomic():  # a concurrent duplicate hits the conditional unique constraint
            assignment.save()
    except IntegrityError:
        raise AssignmentRefused(
            f"{reviewer.display_name} already has an open assignment on “{article.title}”"
        ) from None
    desk_flag_refresh(article_id=article.pk)
    transaction.on_commit(partial(notifications.invitation_notice.enqueue, assignment_id=assignment.pk, by=by))
    webhooks.event_emit(event="review_assigned", article=article, data=_assigned(assignment))
    return assignment


def _assigned(assignment: ReviewAssignment) -> dict:
    return {"assignment": assignment.pk, "reviewer": assignment.reviewer.display_name,
            "revision": assignment.revision, "due_at": assignment.due_at.isoformat()}  # fmt: skip


def _previous_reviewers(article: Article) -> dict[int, ReviewAssignment]:
    """Each earlier reviewer's latest assignment that was accepted or decided, skipping the author and inactive ones."""
    previous = (
        ReviewAssignment.objects.filter(article=article, status__in=(A.SUBMITTED, A.STALE), responded_at__isnull=False)
        .exclude(reviewer__user_id=article.author_id)
        .filter(reviewer__active=True)
        .select_related("reviewer")
        .order_by("reviewer_id", "-pk")
    )
    latest: dict[int, ReviewAssignment] = {}
    for old in previous:
        latest.setdefault(old.reviewer_id, old)
    return latest


def assignments_reinvite(*, article: Article, actor, job: str = "") -> list[ReviewAssignment]:
    """Re-invite the previous round's reviewers to the article's current revision.

    Called by the workflow inside its transaction (article row already locked) when a new
    round starts. Previous reviewers are those who accepted or decided on an older round and
    hold no open assignment now; inactive reviewers are skipped. The cap does not apply: a
    re-invitation continues a review the reviewer already took on (the override is recorded).
    With no actor (a job, named by ``job``), the earlier assignment's editor stays ``assigned_by``.
    """
    open_now = set(ReviewAssignment.objects.open().filter(article=article).values_list("reviewer_id", flat=True))
    due_at = timezone.now() + timedelta(days=REINVITE_DAYS)
    created = []
    for reviewer_id, old in sorted(_previous_reviewers(article).items()):
        approved_this = old.status == A.SUBMITTED and old.revision == article.revision and old.decision == "approve"
        if reviewer_id in open_now or approved_this:
            continue  # an approval of this very revision still stands
        by = "" if actor is not None else f" by {job or 'the system'}"
        created.append(
            assignment_invite(
                article=article,
                reviewer=old.reviewer,
                actor=actor or old.assigned_by,
                due_at=due_at,
                override_reason=f"re-invited for revision {article.revision} as a previous reviewer",
                reason=f"re-invited for revision {article.revision}{by}",
                by="" if actor is not None else (job or "the system"),
            )
        )
    return created


def round_restart(*, article: Article, actor, job: str = "") -> list[ReviewAssignment]:
    """A re-review opens a new round on the same revision: the earlier round's decisions on it no
    longer count towards the quorum (their assignments go stale), and the previous reviewers are
    re-invited with a due date."""
    who = str(actor) if actor is not None else (job or "the system")
    earlier = article.assignments.select_for_update().filter(
        status__in=MOVES["mark_stale"].sources, revision=article.revision
    )
    for assignment in earlier.order_by("pk"):
        reason = f"stale: a new review round of revision {article.revision} was started by {who}"
        assignment_move(assignment, "mark_stale", actor=actor, reason=reason)
    return assignments_reinvite(article=article, actor=actor, job=job)


def round_withdraw(*, article: Article, actor) -> None:
    """The author withdrew the submission: open invitations of the round no longer stand."""
    for assignment in article.assignments.open().select_for_update().order_by("pk"):
        reason = f"withdrawn: the author withdrew revision {article.revision} before review"
        assignment_move(assignment, "withdraw", actor=actor, reason=reason)


def assignments_mark_stale(*, article: Article, actor) -> None:
    """Assignments and decisions on revisions older than the current one no longer apply to its text."""
    stale = article.assignments.select_for_update().filter(
        status__in=MOVES["mark_stale"].sources, revision__lt=article.revision
    )
    for assignment in stale.order_by("pk"):
        reason = f"stale: article changed to revision {article.revision}"
        assignment_move(assignment, "mark_stale", actor=actor, reason=reason)


def round_end(*, article: Article, actor) -> None:
    """Once approved, the round is over: open invitations to the other reviewers no longer stand.

    The approving reviewer's own assignment stays: their decision closes it.
    """
    others = (
        article.assignments.open()
        .select_for_update()
        .exclude(reviewer__user_id=getattr(actor, "pk", None))
        .order_by("pk")
    )
    for other in others:
        reason = f"withdrawn: revision {article.revision} was approved before this review was decided"
        assignment_move(other, "end_round", actor=actor, reason=reason)
