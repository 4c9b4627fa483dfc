"""The advisory board as readers see it, for the public editorial policy page."""

from django.db.models import QuerySet

from reviews.models import ReviewerProfile


def board_for_readers() -> QuerySet[ReviewerProfile]:
    """Active reviewers, by name, with the credentials they are credited with on articles."""
    return ReviewerProfile.objects.filter(active=True).order_by("display_name", "pk")
