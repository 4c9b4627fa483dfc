"""Publishing: what readers see is always a deliberate, recorded act of an editor.

``publish`` pins a revision into an immutable Publication and points ``Article.live_publication``
at it; ``unpublish`` records a PublicationWithdrawal and clears it (readers then get 410).
Publishing is separate from the workflow status: an approved article stays approved, and
readers keep the pinned revision while newer revisions are edited and reviewed. Every step
locks the article row first, writes an article history row with the reason, and appends a
TransitionLog row whose from and to status are the (unchanged) status. A publication may carry
one line of the public corrections and updates log (``change_kind``, ``change_reason``), written
in the same transaction; it is required when the body or references differ from the last
publication's, and a correction tells the readers who reported a fixed error, after commit.
"""

from functools import partial

from django.db import transaction

from articles import trust
from articles.models import Article, ArticleRevision, Publication, PublicationChange, PublicationWithdrawal
from reviews import notifications
from reviews.exceptions import TransitionNotAllowed
from reviews.locking import lock_article, require_reason
from reviews.publishing import eligibility, records
from reviews.publishing.eligibility import revision_is_approved
from reviews.publishing.records import publication_build, reviewer_credits

__all__ = ["publication_build", "publish", "publish_locked", "reviewer_credits", "revision_is_approved", "unpublish"]


def require_editor(step: str, article: Article, actor) -> None:
    """An editor (unpublishing and cancelling a schedule); publishing asks ``eligibility`` for more."""
    eligibility.require_editor(step, article, actor)


def check_publishable(step: str, article: Article, revision: ArticleRevision, *, actor, provisional: bool) -> bool:
    """Raise when ``revision`` may not go live now by ``actor``; return whether it goes live provisionally."""
    return eligibility.publication_refusal(
        step, article=article, revision=revision, actor=actor, provisional=provisional
    ).provisional


def change_line(step: str, article: Article, *, kind: str, reason: str) -> tuple[str, str]:
    """The public log line as given, checked: both or neither of kind and reason, a known kind, one line
    of at most 200 characters. Raises TransitionNotAllowed naming what is wrong."""
    kind, reason = (kind or "").strip(), (reason or "").strip()
    if kind and kind not in PublicationChange.Kind.values:
        raise TransitionNotAllowed(step, article.status, f"“{kind}” is not a kind of change: use correction or update")
    if bool(kind) != bool(reason):
        missing = "the one-line reason readers see" if kind else "whether it is a correction or an update"
        raise TransitionNotAllowed(step, article.status, f"the public change needs {missing}")
    if "\n" in reason or "\r" in reason or len(reason) > 200:
        raise TransitionNotAllowed(step, article.status, "the public reason must be one line of at most 200 characters")
    return kind, reason


def require_change_line(step: str, article: Article, revision: ArticleRevision, *, reason: str) -> None:
    """Refuse a revision whose body or references differ from the last publication's without a public reason
    (``articles.trust.require_change_reason``)."""
    last = article.publications.select_related("revision").order_by("-published_at", "-pk").first()
    try:
        trust.require_change_reason(previous=last.revision if last else None, new=revision, reason=reason)
    except trust.ChangeReasonMissing as error:
        raise TransitionNotAllowed(step, article.status, str(error)) from error


def publish_locked(
    *, article: Article, actor, reason: str, revision_number: int | None = None, provisional: bool = False,
    step: str = "publish", change_kind: str = "", change_reason: str = "",
) -> Publication:  # fmt: skip
    """``publish`` for a caller that already holds the article row lock (the scheduler)."""
    reason = require_reason(step, article, reason)
    change_kind, change_reason = change_line(step, article, kind=change_kind, reason=change_reason)
    number = article.revision if revision_number is None else revision_number
    revision = ArticleRevision.objects.filter(article=article, number=number).first()
    if revision is None:
        raise TransitionNotAllowed(step, article.status, f"revision {number} of this article does not exist")
    is_provisional = check_publishable(step, article, revision, actor=actor, provisional=provisional)
    require_change_line(step, article, revision, reason=change_reason)
    publication = records.put_live(
        article=article, revision=revision, actor=actor, reason=reason, provisional=is_provisional, step=step
    )
    if change_reason:
        trust.publication_change_record(publication=publication, kind=change_kind, reason=change_reason, actor=actor)
        if change_kind == PublicationChange.Kind.CORRECTION:
            transaction.on_commit(partial(notifications.correction_notice.enqueue, publication_id=publication.pk))
    return publication


def publish(
    *, article: Article, actor, reason: str, revision_number: int | None = None, provisional: bool = False,
    change_kind: str = "", change_reason: str = "",
) -> Publication:  # fmt: skip
    """Put a revision live as a new, immutable Publication. Editors only.

    By default the current revision, which must be approved. ``revision_number`` republishes an
    older revision the board approved (a new Publication, never an edit of an old one).
    ``provisional=True`` allows an unapproved revision under ``eligibility.publication_refusal``
    (the site setting on, the current revision in review, no blocking error, an editor who is not
    the author); readers then see a "pending review" banner. When the board has approved the
    revision that is provisionally live, this publishes it again as an approved Publication
    (credits, dates, no banner) that supersedes the provisional one in the same save.
    ``change_kind`` (correction or update) and ``change_reason`` are the public log line, required
    when the body or references differ from the last publication's. Raises NotPermitted or
    TransitionNotAllowed naming why; nothing is written then.
    """
    with transaction.atomic():
        article = lock_article(article)
        return publish_locked(
            article=article, actor=actor, reason=reason, revision_number=revision_number, provisional=provisional,
            change_kind=change_kind, change_reason=change_reason,
        )  # fmt: skip


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
