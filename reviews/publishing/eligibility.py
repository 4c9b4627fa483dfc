"""Who may make what live: the one publishing rule, asked by every path that puts a revision live.

The publish button, the bulk action, ``schedule_create``, the scheduled task at its time, the
demo commands and any API all go through ``publication_refusal`` (reads only). A publication
needs a revision the board approved, or, for a provisional one: the site setting on, the
article's current revision while the article is submitted or under review, no blocking error in
its validation report (the approval gate's verdict), and an editor who is not the article's
author. The author never publishes or schedules their own article, whatever role they hold.
"""

from dataclasses import dataclass

from articles.models import Article, ArticleRevision
from articles.selectors import site_settings_for_readers
from reviews import permissions as perms
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.models import TransitionLog
from reviews.workflow import gate

# The decisions that settle a revision; the latest of them says whether the board approved it.
_DECISIONS = ("approve", "request_changes", "reject")
_IN_REVIEW = (Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW)


@dataclass(frozen=True)
class Verdict:
    """What may go live: ``provisional`` says whether the publication carries the pending banner."""

    provisional: bool


def last_approval(*, article: Article, number: int) -> TransitionLog | None:
    """The TransitionLog row of revision ``number``'s latest approval, when its latest decision approved it."""
    last = (
        TransitionLog.objects.filter(article=article, revision=number, transition__in=_DECISIONS)
        .order_by("-at", "-pk")
        .first()
    )
    return last if last is not None and last.transition == "approve" else None


def revision_is_approved(*, article: Article, number: int) -> bool:
    """Whether the board approved revision ``number``: the current revision of an approved
    article, or an older revision whose last decision in the log was ``approve``."""
    if number == article.revision and article.status == Article.Status.APPROVED:
        return True
    number, _ = gate.approval_source(article=article, number=number)  # a non-material edit carries its approval
    return last_approval(article=article, number=number) is not None


def require_editor(step: str, article: Article, actor) -> None:
    if not perms.is_editor(actor):
        raise NotPermitted(step, article.status, f"only an editor may do this, and {actor or 'the system'} may not")


def require_publisher(step: str, article: Article, actor) -> None:
    """An editor who is not the article's author (four eyes), else NotPermitted naming the rule."""
    require_editor(step, article, actor)
    if perms.is_author(actor, article):
        raise NotPermitted(
            step, article.status, "four eyes: the article's author never publishes or schedules their own article"
        )


def _already_live(step: str, article: Article, revision: ArticleRevision) -> None:
    """The live revision goes live again only as a promotion: the board approved it since it went live."""
    live = article.live_publication
    if live is None or live.revision_id != revision.pk:
        return
    approval = last_approval(article=article, number=revision.number)
    if approval is None or approval.at <= live.published_at:
        raise TransitionNotAllowed(
            step, article.status, f"revision {revision.number} is already live and the board has not approved it since"
        )


def _provisional_refusal(article: Article, revision: ArticleRevision) -> str | None:
    if not site_settings_for_readers().allow_provisional_publishing:
        return (
            f"revision {revision.number} is not approved and this site does not allow provisional publishing "
            "(Site settings → Allow provisional publishing)"
        )
    if article.status not in _IN_REVIEW or revision.number != article.revision:
        return (
            f"a provisional publication needs the current revision of an article that is submitted or under "
            f"review; revision {revision.number} of this {article.get_status_display().lower()} article is not"
        )
    blocking = gate.report_verdict(article=article).blocking
    if blocking:
        named = "; ".join(f"{f['rule']}: {f['message']}" for f in blocking)
        return f"the validation report of revision {revision.number} has blocking errors: {named}"
    return None


def publication_refusal(step: str, *, article: Article, revision: ArticleRevision, actor, provisional: bool) -> Verdict:
    """Raise NotPermitted or TransitionNotAllowed naming the rule when ``revision`` may not go live
    now by ``actor``; otherwise say whether it goes live provisionally. Writes nothing."""
    require_publisher(step, article, actor)
    if article.status == Article.Status.ARCHIVED:
        raise TransitionNotAllowed(step, article.status, "an archived article cannot be published")
    _already_live(step, article, revision)
    if revision_is_approved(article=article, number=revision.number):
        return Verdict(provisional=False)
    if not provisional:
        raise TransitionNotAllowed(
            step,
            article.status,
            f"revision {revision.number} has not been approved by the board; publish it provisionally "
            "(if the site allows it) or wait for approval",
        )
    refusal = _provisional_refusal(article, revision)
    if refusal:
        raise TransitionNotAllowed(step, article.status, refusal)
    return Verdict(provisional=True)
