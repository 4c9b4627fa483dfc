"""Going back to an earlier version: a revert is a new revision, never an edit of history."""

from articles.models import Article, ArticleRevision
from articles.revisions import content_of_revision
from reviews.exceptions import TransitionNotAllowed
from reviews.locking import require_reason
from reviews.workflow import transitions as workflow


def revision_revert(
    *, article: Article, actor, number: int, reason: str, expected_revision: int | None = None
) -> ArticleRevision:
    """Make revision ``number``'s content the article's next revision, recording why.

    Goes through ``workflow.edit`` (lock, permission, stale check, approvals made stale, an
    approved article reopened). Raises TransitionNotAllowed when the revision does not exist,
    no reason is given or the content already matches; NotPermitted or StaleEdit from the edit.
    """
    reason = require_reason("revert", article, reason)
    source = ArticleRevision.objects.filter(article=article, number=number).first()
    if source is None:
        raise TransitionNotAllowed("revert", article.status, f"revision {number} of this article does not exist")
    _, revision = workflow.edit(
        article=article, actor=actor, content=content_of_revision(source),
        reason=f"revert to revision {number}: {reason}", expected_revision=expected_revision,
    )  # fmt: skip
    if revision is None:
        raise TransitionNotAllowed("revert", article.status, f"the article already matches revision {number}")
    return revision
