"""The records a publishing step leaves: an article history row and a TransitionLog row.

Below the workflow, so archiving (a transition) can withdraw the live publication in the same
transaction. Callers hold the article row lock.
"""

from articles.history import history_note
from articles.models import Article, PublicationWithdrawal
from reviews import webhooks
from reviews.models import TransitionLog

_LIVE = ("live_publication",)


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


def withdraw_locked(*, article: Article, actor, reason: str) -> PublicationWithdrawal:
    """Record the withdrawal of the live publication of an article the caller holds locked."""
    live = article.live_publication
    withdrawal = PublicationWithdrawal.objects.create(
        article=article, publication=live, reason=reason, withdrawn_by=actor
    )
    article.live_publication = None
    step_record(article, "unpublish", actor=actor, reason=reason, revision=live.revision.number, fields=_LIVE)
    return withdrawal
