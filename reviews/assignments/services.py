"""Reviewer assignments: invite, accept, decline, withdraw, reassign, clear a declared interest.

Every write here has the workflow's shape: one transaction, the article row locked first,
then the assignment or reviewer rows ordered by pk; history rows carry who and why; emails
are tasks queued after commit. A refusal raises ``AssignmentRefused`` (a ``WorkflowError``)
or ``NotPermitted`` naming what is wrong, and leaves every row as it was.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from articles.history import history_note
from articles.models import Article
from reviews import permissions as perms
from reviews.exceptions import AssignmentRefused, NotPermitted
from reviews.locking import lock_article, lock_assignment
from reviews.models import OPEN_STATUSES, ReviewAssignment, ReviewerProfile
from reviews.workflow import rounds
from reviews.workflow import transitions as workflow

A = ReviewAssignment.Status
ASSIGNABLE_STATES = (Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW)
_PAST = {"accept": "accepted", "decline": "declined"}


def _require_text(value: str, what: str) -> str:
    if not value or not value.strip():
        raise AssignmentRefused(f"{what} is required.")
    return value.strip()


def _refusal(*, article: Article, reviewer: ReviewerProfile, override_reason: str) -> str | None:
    """Why this reviewer may not be assigned to this article now, or None."""
    name = reviewer.display_name
    if reviewer.user_id == article.author_id:
        return f"{name} is the author of “{article.title}” and cannot review it"
    if not reviewer.active:
        return f"{name} is not an active reviewer"
    if ReviewAssignment.objects.open().filter(article=article, reviewer=reviewer).exists():
        return f"{name} already has an open assignment on “{article.title}”"
    load = ReviewAssignment.objects.open().filter(reviewer=reviewer).count()
    if load >= reviewer.max_open_assignments and not override_reason.strip():
        return (
            f"{name} is at their cap of {reviewer.max_open_assignments} open assignments ({load} open); "
            "give a reason to override the cap"
        )
    return None


def assignment_create(
    *, article: Article, reviewer: ReviewerProfile, actor, due_at: datetime, override_reason: str = ""
) -> ReviewAssignment:
    """Invite one reviewer to review the article's current revision by ``due_at``. Editors only.

    Refused (AssignmentRefused) for the article's author, an inactive reviewer, a reviewer at
    their cap unless ``override_reason`` is given, a duplicate open assignment, a due date in
    the past, or an article that is not submitted or under review. NotPermitted if ``actor``
    is not an editor. The reviewer is emailed an invitation after commit.
    """
    return assignments_create(
        article=article, reviewers=[reviewer], actor=actor, due_at=due_at, override_reason=override_reason
    )[0]


def assignments_create(
    *, article: Article, reviewers: list[ReviewerProfile], actor, due_at: datetime, override_reason: str = ""
) -> list[ReviewAssignment]:
    """Invite several reviewers at once: all are assigned, or none (every refusal is named)."""
    if not perms.is_editor(actor):
        raise NotPermitted("assign", article.status, f"only an editor may assign reviewers, and {actor} may not")
    if not reviewers:
        raise AssignmentRefused("Choose at least one reviewer.")
    if due_at <= timezone.now():
        raise AssignmentRefused(f"The due date {due_at:%Y-%m-%d %H:%M} is in the past; choose a later one.")
    with transaction.atomic():
        article = lock_article(article)
        if article.status not in ASSIGNABLE_STATES:
            raise AssignmentRefused(
                f"“{article.title}” is {article.get_status_display().lower()}; reviewers are assigned "
                "only to submitted articles or articles under review"
            )
        ids = sorted({r.pk for r in reviewers})
        locked = list(ReviewerProfile.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        refusals = [
            r for r in (_refusal(article=article, reviewer=p, override_reason=override_reason) for p in locked) if r
        ]
        if refusals:
            raise AssignmentRefused("; ".join(refusals) + ".")
        reason = f"assigned for revision {article.revision}"
        return [
            rounds.assignment_invite(
                article=article, reviewer=p, actor=actor, due_at=due_at, override_reason=override_reason, reason=reason
            )
            for p in locked
        ]


def _own_open(assignment: ReviewAssignment, actor, step: str, status: str) -> None:
    if assignment.reviewer.user_id != getattr(actor, "pk", None):
        raise NotPermitted(step, assignment.status, "only the invited reviewer may answer this invitation")
    if assignment.status != status:
        raise AssignmentRefused(
            f"This assignment is {assignment.status_label.lower()}; it can no longer be {_PAST[step]}."
        )


def assignment_accept(
    *, assignment: ReviewAssignment, actor, conflict: str, conflict_statement: str = ""
) -> ReviewAssignment:
    """The invited reviewer accepts, declaring a conflict of interest: "none", or "interest" described.

    Refused when the reviewer's credentials are expired or unverified, when no declaration is
    made, or when a declared interest is not described. The first acceptance moves a submitted
    article to under review through ``workflow.start_review`` in the same transaction.
    """
    with transaction.atomic():
        article, assignment = lock_assignment(assignment)
        _own_open(assignment, actor, "accept", A.INVITED)
        problem = perms.credentials_problem(assignment.reviewer)
        if problem:
            raise AssignmentRefused(f"Cannot accept: {problem}. Ask the editors to update your credentials.")
        if conflict not in (ReviewAssignment.Conflict.NONE, ReviewAssignment.Conflict.INTEREST):
            raise AssignmentRefused("Declare whether you have a conflict of interest before accepting.")
        statement = conflict_statement.strip()
        if conflict == ReviewAssignment.Conflict.INTEREST and not statement:
            raise AssignmentRefused("Describe the interest you declare.")
        assignment.responded_at = timezone.now()
        assignment.conflict = conflict
        assignment.conflict_statement = statement if conflict == ReviewAssignment.Conflict.INTEREST else ""
        fields = ["responded_at", "conflict", "conflict_statement"]
        rounds.assignment_move(
            assignment, "accept", actor=actor, reason=f"accepted (conflict: {conflict})", fields=fields
        )
        if article.status == Article.Status.SUBMITTED:
            workflow.start_review(
                article=article, actor=actor, reason=f"{assignment.reviewer.display_name} accepted the review"
            )
    return assignment


def assignment_decline(*, assignment: ReviewAssignment, actor, reason: str) -> ReviewAssignment:
    """The invited reviewer declines with a reason; the editors can then assign someone else."""
    with transaction.atomic():
        _article, assignment = lock_assignment(assignment)
        _own_open(assignment, actor, "decline", A.INVITED)
        assignment.decline_reason = _require_text(reason, "A reason for declining")
        assignment.responded_at = timezone.now()
        rounds.assignment_move(
            assignment,
            "decline",
            actor=actor,
            reason=f"declined: {assignment.decline_reason}",
            fields=["responded_at", "decline_reason"],
        )
    return assignment


def assignment_withdraw(*, assignment: ReviewAssignment, actor, reason: str) -> ReviewAssignment:
    """An editor withdraws an invited or accepted assignment (overdue, unreachable), with a reason."""
    with transaction.atomic():
        _article, assignment = lock_assignment(assignment)
        if not perms.is_editor(actor):
            raise NotPermitted("withdraw", assignment.status, "only an editor may withdraw an assignment")
        reason = _require_text(reason, "A reason for withdrawing")
        if assignment.status not in OPEN_STATUSES:
            raise AssignmentRefused(
                f"This assignment is {assignment.status_label.lower()}; only invited or accepted "
                "assignments can be withdrawn"
            )
        rounds.assignment_move(assignment, "withdraw", actor=actor, reason=f"withdrawn: {reason}")
    return assignment


def assignment_reassign(
    *,
    assignment: ReviewAssignment,
    reviewer: ReviewerProfile,
    actor,
    due_at: datetime,
    reason: str,
    override_reason: str = "",
) -> ReviewAssignment:
    """Withdraw ``assignment`` and invite ``reviewer`` instead, all or nothing. Editors only.

    Every refusal of ``assignment_withdraw`` and ``assignment_create`` applies.
    """
    with transaction.atomic():
        assignment_withdraw(
            assignment=assignment, actor=actor, reason=f"reassigned to {reviewer.display_name}: {reason}"
        )
        return assignment_create(
            article=assignment.article, reviewer=reviewer, actor=actor, due_at=due_at, override_reason=override_reason
        )


def conflict_clear(*, assignment: ReviewAssignment, actor, reason: str) -> ReviewAssignment:
    """An editor-in-chief clears a declared interest, with a reason, so later decisions count.

    Only before the reviewer decides: a recorded decision is immutable, so an approval made
    while the interest stood stays ineligible (the editors assign another reviewer instead).
    """
    with transaction.atomic():
        _article, assignment = lock_assignment(assignment)
        if not perms.is_editor_in_chief(actor):
            raise NotPermitted("clear conflict", assignment.status, "only an editor-in-chief may clear a conflict")
        reason = _require_text(reason, "A reason for clearing the conflict")
        if assignment.conflict != ReviewAssignment.Conflict.INTEREST or assignment.conflict_cleared_by_id:
            raise AssignmentRefused("This assignment has no declared interest waiting to be cleared.")
        if assignment.status != A.ACCEPTED:
            raise AssignmentRefused(
                f"This assignment is {assignment.status_label.lower()}; a declared interest can be "
                "cleared only before the reviewer decides"
            )
        assignment.conflict_cleared_by, assignment.conflict_cleared_reason = actor, reason
        history_note(assignment, actor=actor, reason=f"conflict cleared: {reason}")
        assignment.save(update_fields=["conflict_cleared_by", "conflict_cleared_reason"])
    return assignment
