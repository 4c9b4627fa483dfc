"""Moving an article's re-review date: a logged action with a reason, by an editor.

``next_review_due`` decides when the scheduled re-review starts and when readers are told a page
is overdue, so it is never plain metadata: each change locks the article, writes an article
history row and a TransitionLog row ("change_review_due") naming the old and new dates and why.
"""

from datetime import date

from django.db import transaction

from articles.history import history_note
from articles.models import Article
from reviews import permissions as perms
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.locking import lock_article, require_reason
from reviews.models import TransitionLog

STEP = "change_review_due"


def _label(value: date | None) -> str:
    return value.isoformat() if value else "none"


def review_due_change(*, article: Article, actor, due: date | None, reason: str) -> Article:
    """Set ``next_review_due`` to ``due`` (None clears it). An editor who is not the author.

    Raises NotPermitted, or TransitionNotAllowed for an archived article, a blank reason or an
    unchanged date; nothing is written then."""
    with transaction.atomic():
        article = lock_article(article)
        if not perms.can_change_review_due(actor, article):
            raise NotPermitted(
                STEP, article.status, "only an editor who is not the article's author may move its re-review date"
            )
        reason = require_reason(STEP, article, reason)
        if article.status == Article.Status.ARCHIVED:
            raise TransitionNotAllowed(STEP, article.status, "an archived article has no re-review date to move")
        if due == article.next_review_due:
            raise TransitionNotAllowed(STEP, article.status, f"the re-review date is already {_label(due)}")
        note = f"{_label(article.next_review_due)} → {_label(due)}: {reason}"
        article.next_review_due = due
        history_note(article, actor=actor, reason=f"{STEP}: {note}")
        article.save(update_fields=["next_review_due", "updated_at"])
        TransitionLog.objects.create(
            article=article, revision=article.revision, transition=STEP, from_status=article.status,
            to_status=article.status, actor=actor, reason=note,
        )  # fmt: skip
    return article
