"""The advisory board as readers see it: the public editorial policy page and each reviewer's page."""

from django.db.models import QuerySet

from articles.models import Article
from articles.selectors import live_articles, with_review_dates
from reviews.models import Review, ReviewerProfile


def board_for_readers() -> QuerySet[ReviewerProfile]:
    """Active reviewers, by name, with the credentials they are credited with on articles."""
    return ReviewerProfile.objects.filter(active=True).order_by("display_name", "pk")


def reviewer_for_readers(*, pk: int) -> tuple[ReviewerProfile, list[Article]]:
    """A reviewer's public page: the profile and the live, board-approved publications that credit them, by
    title. A reviewer no live page credits has no public page: raises ReviewerProfile.DoesNotExist."""
    profile = ReviewerProfile.objects.select_related("credentials_verified_by").get(pk=pk)
    reviewed = Review.objects.filter(reviewer_id=pk).values("article_id")
    candidates = live_articles().filter(pk__in=reviewed, live_publication__provisional=False)
    articles = [
        article
        for article in candidates.order_by("live_publication__title", "pk")
        if any(isinstance(c, dict) and c.get("reviewer_id") == pk for c in article.live_publication.reviewer_credits)
    ]
    if not articles:
        raise ReviewerProfile.DoesNotExist(f"no live page credits reviewer {pk}")
    return profile, with_review_dates(articles)
