"""Publishing: what readers see is always a deliberate, recorded act of an editor.

``publish`` pins a revision into an immutable Publication and points ``Article.live_publication``
at it; ``unpublish`` records a PublicationWithdrawal and clears it (readers then get 410).
Publishing is separate from the workflow status: an approved article stays approved, and
readers keep the pinned revision while newer revisions are edited and reviewed. Every step
locks the article row first, writes an article history row with the reason, and appends a
TransitionLog row whose from and to status are the (unchanged) status.
"""

from django.db import transaction
from django.utils import timezone

from articles.models import Article, ArticleRevision, Publication, PublicationWithdrawal
from articles.publications import publication_render
from articles.selectors import site_settings_for_readers
from reviews import permissions as perms
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.locking import lock_article, require_reason
from reviews.models import TransitionLog
from reviews.publishing import records
from reviews.workflow import gate

# The decisions that settle a revision; the latest of them says whether the board approved it.
_DECISIONS = ("approve", "request_changes", "reject")
_LIVE = ("live_publication",)


def require_editor(step: str, article: Article, actor) -> None:
    if not perms.is_editor(actor):
        raise NotPermitted(step, article.status, f"only an editor may do this, and {actor or 'the system'} may not")


def revision_is_approved(*, article: Article, number: int) -> bool:
    """Whether the board approved revision ``number``: the current revision of an approved
    article, or an older revision whose last decision in the log was ``approve``."""
    if number == article.revision and article.status == Article.Status.APPROVED:
        return True
    number, _ = gate.approval_source(article=article, number=number)  # a non-material edit carries its approval
    last = (
        TransitionLog.objects.filter(article=article, revision=number, transition__in=_DECISIONS)
        .order_by("-at", "-pk")
        .values_list("transition", flat=True)
        .first()
    )
    return last == "approve"


def reviewer_credits(*, article: Article, number: int) -> list[dict]:
    """The eligible approvals of one revision, with the credentials each reviewer held then."""
    approvals, carried_by = gate.carried_approvals(article=article, number=number)
    edits = [{"revision": c.to_revision, "reason": c.reason, "at": c.at.isoformat()} for c in carried_by]
    return [
        {
            "reviewer_id": review.reviewer_id,
            "display": review.credentials.get("display", ""),
            "degree": review.credentials.get("degree", ""),
            "specialty": review.credentials.get("specialty", ""),
            "approved_at": review.created_at.isoformat(),
            **({"approved_revision": review.revision, "non_material_edits": edits} if edits else {}),
        }
        for review in approvals
    ]


def check_publishable(step: str, article: Article, revision: ArticleRevision, *, provisional: bool) -> bool:
    """Raise when ``revision`` may not go live now; return whether it goes live provisionally."""
    if article.status == Article.Status.ARCHIVED:
        raise TransitionNotAllowed(step, article.status, "an archived article cannot be published")
    live = article.live_publication
    if live is not None and live.revision_id == revision.pk:
        raise TransitionNotAllowed(step, article.status, f"revision {revision.number} is already live")
    if revision_is_approved(article=article, number=revision.number):
        return False
    if not provisional:
        raise TransitionNotAllowed(
            step,
            article.status,
            f"revision {revision.number} has not been approved by the board; publish it provisionally "
            "(if the site allows it) or wait for approval",
        )
    if not site_settings_for_readers().allow_provisional_publishing:
        raise TransitionNotAllowed(
            step,
            article.status,
            f"revision {revision.number} is not approved and this site does not allow provisional publishing "
            "(Site settings → Allow provisional publishing)",
        )
    return True


def publication_build(*, article: Article, revision: ArticleRevision, actor, reason: str, provisional: bool):
    """An unsaved Publication of ``revision``: rendered by ``articles.publications``, with the reviewer credits."""
    return Publication(
        article=article,
        revision=revision,
        reviewer_credits=reviewer_credits(article=article, number=revision.number),
        provisional=provisional,
        published_by=actor,
        published_at=timezone.now(),
        reason=reason,
        **publication_render(revision=revision),
    )


def publish_locked(
    *, article: Article, actor, reason: str, revision_number: int | None = None, provisional: bool = False,
    step: str = "publish",
) -> Publication:  # fmt: skip
    """``publish`` for a caller that already holds the article row lock (the scheduler)."""
    reason = require_reason(step, article, reason)
    number = article.revision if revision_number is None else revision_number
    revision = ArticleRevision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise TransitionNotAllowed(step, article.status, f"revision {number} of this article does not exist")
    is_provisional = check_publishable(step, article, revision, provisional=provisional)
    publication = publication_build(
        article=article, revision=revision, actor=actor, reason=reason, provisional=is_provisional
    )
    publication.save()
    article.live_publication = publication
    label = f"revision {number}" + (" provisionally" if is_provisional else "")
    records.step_record(article, step, actor=actor, reason=f"{label}: {reason}", revision=number, fields=_LIVE)
    return publication


def publish(
    *, article: Article, actor, reason: str, revision_number: int | None = None, provisional: bool = False
) -> Publication:
    """Put a revision live as a new, immutable Publication. Editors only.

    By default the current revision, which must be approved. ``revision_number`` republishes an
    older revision the board approved (a new Publication, never an edit of an old one).
    ``provisional=True`` allows an unapproved revision when SiteSettings allow it; readers then see
    a "pending review" banner. Raises NotPermitted or TransitionNotAllowed naming why; nothing is
    written then.
    """
    with transaction.atomic():
        article = lock_article(article)
        require_editor("publish", article, actor)
        return publish_locked(
            article=article, actor=actor, reason=reason, revision_number=revision_number, provisional=provisional
        )


def unpublish(*, article: Article, actor, reason: str) -> PublicationWithdrawal:
    """Take the article off the public site (readers get 410), recording who and why. Editors only.

    The Publication itself stays, unchanged; a PublicationWithdrawal records the act.
    """
    with transaction.atomic():
        article = lock_article(article)
        require_editor("unpublish", article, actor)
        reason = require_reason("unpublish", article, reason)
        if article.live_publication is None:
            raise TransitionNotAllowed("unpublish", article.status, "the article is not on the public site")
        return records.withdraw_locked(article=article, actor=actor, reason=reason)
