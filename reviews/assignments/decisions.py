"""A reviewer's signed decision: an immutable Review, then the workflow step it completes.

``review_submit`` records the decision against the revision the reviewer was shown, with
their credentials as they stand now and the hash of that revision's content. An approval
that completes the topic's sign-off rule takes ``workflow.approve`` in the same transaction;
a request for changes takes ``workflow.request_changes``. Nothing is written on a refusal.
"""

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleRevision
from reviews import permissions as perms
from reviews import webhooks
from reviews.assignments import signatures
from reviews.exceptions import NotPermitted, WorkflowError
from reviews.ledger import selectors as ledger
from reviews.locking import lock_assignment
from reviews.models import CHECKLIST, Review, ReviewAssignment, ReviewerProfile
from reviews.workflow import gate, rounds
from reviews.workflow import transitions as workflow

D = ReviewAssignment.Decision


class DecisionRefused(WorkflowError):
    """The decision could not be recorded; the message says what to fix."""


class StaleRevision(DecisionRefused):
    """The article changed after the reviewer opened it: the decision would apply to text they did not read."""

    def __init__(self, *, shown: int, current: int):
        self.shown, self.current = shown, current
        super().__init__(
            f"The article changed while you were reviewing: you read revision {shown}, it is now at "
            f"revision {current}. Your decision was not recorded; read the changes below and decide on "
            f"revision {current}."
        )


def credentials_snapshot(profile: ReviewerProfile) -> dict:
    """The reviewer's credentials as they stand now, kept with the decision for the record."""
    verified_by = profile.credentials_verified_by
    return {
        "display": profile.display_line,
        "name": profile.display_name,
        "degree": profile.degree,
        "specialty": profile.specialty,
        "board_certification": profile.board_certification,
        "licence_number": profile.licence_number,
        "licence_jurisdiction": profile.licence_jurisdiction,
        "licence_expires": profile.licence_expires.isoformat() if profile.licence_expires else None,
        "verified_at": profile.credentials_verified_at.isoformat() if profile.credentials_verified_at else None,
        "verified_by": verified_by.get_username() if verified_by else None,
    }


def _check_decision(
    *, assignment: ReviewAssignment, decision: str, checklist: dict, comments: str, acknowledged, verdict
) -> None:
    if decision not in (D.APPROVE, D.REQUEST_CHANGES):
        raise DecisionRefused("Choose a decision: approve or request changes.")
    if decision == D.REQUEST_CHANGES:
        if not comments.strip():
            raise DecisionRefused("Say what should change: comments are required when requesting changes.")
        return
    problem = perms.credentials_problem(assignment.reviewer)
    if problem:
        raise DecisionRefused(f"Cannot approve: {problem}.")
    topic = assignment.article.topic
    if topic is not None and topic.requires_credited_signoff and not assignment.reviewer.consents_to_public_credit:
        raise DecisionRefused(
            f"Cannot approve: the topic {topic.name} requires credited sign-off, and you asked not to be named "
            "in the public credit. Consent to public credit on your credit page, or request changes."
        )
    unchecked = [label for key, label in CHECKLIST if not checklist.get(key)]
    if unchecked:
        raise DecisionRefused("To approve, confirm every checklist item; unconfirmed: " + "; ".join(unchecked) + ".")
    if verdict.blocking:
        named = "; ".join(f"{f['rule']}: {f['message']}" for f in verdict.blocking)
        raise DecisionRefused(
            f"Cannot approve while the reference report has errors (request changes, or ask an "
            f"editor-in-chief to override them): {named}"
        )
    missing = [f["message"] for f in verdict.warnings if f["key"] not in acknowledged]
    if missing:
        raise DecisionRefused("To approve, acknowledge each warning of the reference report: " + "; ".join(missing))


def review_submit(
    *,
    assignment: ReviewAssignment,
    actor,
    revision: int,
    decision: str,
    checklist: dict,
    comments: str = "",
    acknowledged: list[str] | tuple[str, ...] = (),
    password: str,
) -> Review:
    """Record the reviewer's decision on the revision they were shown (``revision``).

    Who: the assigned reviewer, on an accepted assignment, while the article is under review.
    Raises NotPermitted for anyone else; StaleRevision when the article moved past ``revision``;
    DecisionRefused when approving without verified, unexpired credentials, without every
    checklist item confirmed, without acknowledging each warning, or while errors block the
    report (a ledger "does not support" too) or, completing the quorum, the topic's claim rule lacks a
    "supports"; when requesting changes without comments. An uncleared declared interest makes the Review
    ineligible. Signed with ``password``: a wrong one raises SignatureRefused, recording only the attempt.
    """
    if assignment.reviewer.user_id != getattr(actor, "pk", None):
        raise NotPermitted("submit a review", assignment.article.status, "only the assigned reviewer may decide")
    signatures.signature_verify(assignment=assignment, user=actor, password=password)
    with transaction.atomic():
        article, assignment = lock_assignment(assignment)
        _check_standing(article=article, assignment=assignment, actor=actor, revision=revision)
        checklist = {key: bool(checklist.get(key)) for key, _label in CHECKLIST}
        acknowledged = sorted(set(acknowledged))
        # An approval reads the report once; the workflow decides with the same verdict.
        verdict = gate.report_verdict(article=article) if decision == D.APPROVE else None
        _check_decision(verdict=verdict, assignment=assignment, decision=decision, checklist=checklist,
                        comments=comments, acknowledged=acknowledged)  # fmt: skip
        review = _record(article=article, assignment=assignment, decision=decision, checklist=checklist,
                         comments=comments.strip(), acknowledged=acknowledged)  # fmt: skip
        signatures.signature_record(review=review, signer=actor)
        # The workflow checks the assignment is still accepted, so the step comes before closing it.
        _take_step(article=article, review=review, actor=actor, verdict=verdict)
        _close(assignment=assignment, review=review, actor=actor)
    return review


def _check_standing(*, article: Article, assignment: ReviewAssignment, actor, revision: int) -> None:
    """The assigned reviewer, on the revision shown, an accepted assignment, an article under review."""
    if assignment.reviewer.user_id != getattr(actor, "pk", None):
        raise NotPermitted("submit a review", article.status, "only the assigned reviewer may decide")
    if article.revision != revision or assignment.status == ReviewAssignment.Status.STALE:
        raise StaleRevision(shown=revision, current=article.revision)
    if assignment.status != ReviewAssignment.Status.ACCEPTED:
        raise DecisionRefused(
            f"This assignment is {assignment.status_label.lower()}; only an accepted assignment takes a decision"
        )
    if article.status != Article.Status.UNDER_REVIEW:
        raise DecisionRefused(f"“{article.title}” is {article.get_status_display().lower()}, not under review.")


def _check_claims_rule(*, article: Article) -> None:
    """With this approval counted, refuse it if it would complete the quorum while the topic's claim
    rule is unmet (raising inside the transaction undoes the Review just recorded)."""
    approvals = gate.eligible_approvals(article=article)
    if gate.quorum_missing(article=article, approvals=approvals) is None:
        missing = gate.claims_missing(article=article, approvals=approvals)
        if missing:
            raise DecisionRefused(f"Cannot approve yet: {missing}. Mark them on the ledger above your decision.")


def _record(*, article, assignment, decision, checklist, comments, acknowledged) -> Review:
    current = ArticleRevision.objects.get(article=article, number=article.revision)
    interest = assignment.conflict == ReviewAssignment.Conflict.INTEREST
    review = Review.objects.create(
        assignment=assignment,
        article=article,
        reviewer=assignment.reviewer,
        revision=current.number,
        content_hash=current.content_hash,
        decision=decision,
        credentials=credentials_snapshot(assignment.reviewer),
        checklist=checklist,
        comments=comments,
        acknowledged_warnings=acknowledged if decision == D.APPROVE else [],
        ledger=ledger.ledger_snapshot(assignment=assignment, revision=current),
        eligible=not interest or assignment.conflict_cleared_by_id is not None,
    )
    webhooks.event_emit(event="decision", article=article, data={"decision": decision, "revision": current.number})
    return review


def _close(*, assignment: ReviewAssignment, review: Review, actor) -> None:
    decision, number, comments, checklist = review.decision, review.revision, review.comments, review.checklist
    assignment.decision, assignment.decision_revision = decision, number
    assignment.decided_at, assignment.last_reviewed_revision = timezone.now(), number
    assignment.comments, assignment.checklist = comments, checklist
    fields = ["decision", "decision_revision", "decided_at", "last_reviewed_revision", "comments", "checklist"]
    rounds.assignment_move(
        assignment, "decide", actor=actor, reason=f"decision: {decision} on revision {number}", fields=fields
    )


def _take_step(*, article: Article, review: Review, actor, verdict) -> None:
    """Request changes at once; approve only when this approval completes the sign-off rule."""
    name = review.reviewer.display_line
    if review.decision == D.APPROVE:
        _check_claims_rule(article=article)
    if review.decision == D.REQUEST_CHANGES:
        workflow.request_changes(article=article, actor=actor, reason=f"{name}: {review.comments}")
        return
    reason = f"Sign-off rule met with the approval of {name}"
    workflow.sign_off(article=article, actor=actor, reason=reason, verdict=verdict)
