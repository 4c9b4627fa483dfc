"""The house order for writes: lock the article row first, then its dependent rows; refuse empty reasons
and stale copies (an older revision, or an older version of the row).

Every service that changes an article, its assignments or its publications starts here, so
concurrent steps on one article queue on the same row in the same order and never deadlock.
"""

from articles.models import Article
from articles.versions import changes_since
from reviews.comments.models import CommentThread
from reviews.exceptions import StaleArticle, StaleEdit, TransitionNotAllowed
from reviews.models import ReviewAssignment


def lock_article(article: Article) -> Article:
    """Re-read the article under a row lock; concurrent steps on it queue here. Call inside ``atomic``."""
    return Article.objects.select_for_update(of=("self",)).get(pk=article.pk)


def lock_assignment(assignment: ReviewAssignment) -> tuple[Article, ReviewAssignment]:
    """Lock the assignment's article first, then the assignment, and return fresh copies of both."""
    article = Article.objects.select_for_update(of=("self",)).get(pk=assignment.article_id)
    fresh = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("reviewer__user", "reviewer__credentials_verified_by")
        .get(pk=assignment.pk)
    )
    fresh.article = article
    return article, fresh


def require_reason(step: str, article: Article, reason: str) -> str:
    """The reason stripped; TransitionNotAllowed naming ``step`` when it is empty."""
    if not reason or not reason.strip():
        raise TransitionNotAllowed(step, article.status, "a reason is required")
    return reason.strip()


def lock_thread(thread: CommentThread) -> tuple[Article, CommentThread]:
    """Lock a comment thread's article first, then the thread; return fresh copies of both."""
    article = Article.objects.select_for_update(of=("self",)).get(pk=thread.article_id)
    return article, CommentThread.objects.select_for_update().get(pk=thread.pk)


def require_current(*, article: Article, expected_revision: int | None) -> None:
    """StaleEdit when the editor started from an older revision than the article's (None: not checked)."""
    if expected_revision is not None and expected_revision != article.revision:
        raise StaleEdit(expected=expected_revision, current=article.revision)


def require_version(*, article: Article, expected_version: int | None) -> None:
    """StaleArticle naming what changed when the editor's copy is of an older version of the row (None: not
    checked)."""
    if expected_version is not None and expected_version != article.version:
        changes = changes_since(article=article, version=expected_version).describe()
        raise StaleArticle(expected=expected_version, current=article.version, changes=changes)
