"""The records a publishing step leaves: the Publication, an article history row and a TransitionLog row.

Below the workflow, so archiving (a transition) can withdraw the live publication and an approval
can promote a provisional one in the same transaction. Callers hold the article row lock and
have asked ``eligibility.publication_refusal`` (or, for a promotion, know the revision approved).
"""

from django.utils import timezone

from articles.history import history_note
from articles.models import Article, ArticleRevision, LiveState, Publication, PublicationWithdrawal
from articles.publications import publication_render
from articles.selectors import site_settings_for_readers
from reviews import webhooks
from reviews.masking import credit_line
from reviews.models import ReviewAssignment, TransitionLog
from reviews.workflow import gate

_LIVE = ("live_publication", "live_revision", "live_title", "live_state")  # the live columns move together (Article)


def step_record(
    article: Article, step: str, *, actor, reason: str, revision: int, fields: tuple[str, ...] = ()
) -> TransitionLog:
    """Article history row and TransitionLog row for a step that leaves the status as it is
    (publishing, scheduling). ``fields`` are the article fields the step changed."""
    history_note(article, actor=actor, reason=f"{step}: {reason}")
    article.save(update_fields=[*fields, "updated_at"])
    log = TransitionLog.objects.create(
        article=article, revision=revision, transition=step, from_status=article.status,
        to_status=article.status, actor=actor, reason=reason,
    )  # fmt: skip
    webhooks.log_event(log)
    return log


def cleared_interests(review) -> str:
    """The interest the reviewer declared on this assignment, once an editor-in-chief cleared it; "" for none
    declared. (An approval under an uncleared interest is never credited: it is not eligible.)"""
    assignment = review.assignment
    if assignment.conflict == ReviewAssignment.Conflict.INTEREST and assignment.conflict_cleared_by_id:
        return assignment.conflict_statement.strip() or "An interest was declared and cleared by the editor-in-chief."
    return ""


def reviewer_credits(*, article: Article, number: int) -> list[dict]:
    """The eligible approvals of one revision, with the credentials each reviewer held then: the
    approvals of the round that approved it (the current round for the current revision)."""
    current = number == article.revision  # an older revision's assignments went stale with its text
    source, carried_by = gate.approval_source(article=article, number=number)  # a non-material edit carries them
    approvals = gate.eligible_approvals(article=article, number=source, this_round=current)
    if not approvals and current:  # republished while a new round runs
        approvals = gate.eligible_approvals(article=article, number=source, this_round=False)
    edits = [{"revision": c.to_revision, "reason": c.reason, "at": c.at.isoformat()} for c in carried_by]
    return [
        {
            **_credit_line(review),
            "degree": review.credentials.get("degree", ""),
            "specialty": review.credentials.get("specialty", ""),
            "approved_at": review.created_at.isoformat(),
            "interests": cleared_interests(review),
            **({"approved_revision": review.revision, "non_material_edits": edits} if edits else {}),
        }
        for review in approvals
    ]


def _credit_line(review) -> dict:
    """The reviewer named as they stood at the decision, or, without their consent to public credit
    (read when publishing), the unnamed line: no name and no id in what readers get."""
    if review.reviewer.consents_to_public_credit:
        return {"reviewer_id": review.reviewer_id, "display": credit_line(review)}
    return {"display": credit_line(review), "named": False}


def publication_build(*, article: Article, revision: ArticleRevision, actor, reason: str, provisional: bool):
    """An unsaved Publication of ``revision``: rendered by ``articles.publications``, with the reviewer credits."""
    return Publication(
        article=article,
        revision=revision,
        reviewer_credits=[] if provisional else reviewer_credits(article=article, number=revision.number),
        provisional=provisional,
        published_by=actor,
        published_at=timezone.now(),
        reason=reason,
        **publication_render(revision=revision),
    )


def put_live(
    *, article: Article, revision: ArticleRevision, actor, reason: str, provisional: bool, step: str = "publish"
) -> Publication:
    """Save a new Publication of ``revision`` and point the article at it, with its records.

    The previous live publication is superseded in the same save, so readers never see a gap."""
    publication = publication_build(
        article=article, revision=revision, actor=actor, reason=reason, provisional=provisional
    )
    publication.save()
    article.live_publication = publication
    article.live_revision, article.live_title = revision.number, publication.title
    article.live_state = LiveState.PROVISIONAL if provisional else LiveState.PUBLISHED
    label = f"revision {revision.number}" + (" provisionally" if provisional else "")
    step_record(article, step, actor=actor, reason=f"{label}: {reason}", revision=revision.number, fields=_LIVE)
    return publication


def promote_on_approval(*, article: Article) -> Publication | None:
    """When the site promotes on approval and the revision just approved is provisionally live,
    publish it as approved in the approving transaction (so readers never see approved text under
    a pending banner, and a failure rolls the approval back rather than leaving half a step).

    The promotion is published in the name of the editor who put the provisional version live."""
    live = article.live_publication
    if live is None or not live.provisional or live.revision.number != article.revision:
        return None
    if not site_settings_for_readers().promote_on_approval:
        return None
    return put_live(
        article=article, revision=live.revision, actor=live.published_by, provisional=False, step="publish",
        reason="promoted on approval (Site settings → Promote on approval)",
    )  # fmt: skip


def withdraw_locked(*, article: Article, actor, reason: str) -> PublicationWithdrawal:
    """Record the withdrawal of the live publication of an article the caller holds locked."""
    live = article.live_publication
    withdrawal = PublicationWithdrawal.objects.create(
        article=article, publication=live, reason=reason, withdrawn_by=actor
    )
    article.live_publication = None
    article.live_revision, article.live_title, article.live_state = None, "", LiveState.WITHDRAWN
    step_record(article, "unpublish", actor=actor, reason=reason, revision=live.revision.number, fields=_LIVE)
    return withdrawal
