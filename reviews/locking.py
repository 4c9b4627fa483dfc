"""The house order for writes: lock the article row first, then its dependent rows; refuse empty reasons.

Every service that changes an article, its assignments or its publications starts here, so
concurrent steps on one article queue on the same row in the same order and never deadlock.
"""

from articles.models import Article
from reviews.comments.models import CommentThread
from reviews.exceptions import TransitionNotAllowed
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
