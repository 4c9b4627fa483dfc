"""Change-list filters of the article desk; each one asks a selector in ``reviews.admin.selectors`` or the
article queryset (``ArticleQuerySet``)."""

from django.contrib import admin
from django.db.models import Q

from articles.models import PUBLICATION_STATES
from reviews.admin import selectors as desk
from reviews.models import ReviewerProfile


class ReviewerFilter(admin.SimpleListFilter):
    title = "reviewer"
    parameter_name = "reviewer"

    # A board grows with the site (one reviewer per 20 articles): the side bar offers the first reviewers by
    # name and the one chosen; any reviewer's articles are one ``?reviewer=<id>`` away (their profile's link).
    MAX_CHOICES = 100

    def lookups(self, request, model_admin):
        active = ReviewerProfile.objects.filter(active=True).order_by("display_name", "pk")
        value = self.value()
        chosen = int(value) if value and value.isascii() and value.isdigit() and len(value) < 12 else None
        first = active.values("pk")[: self.MAX_CHOICES]
        return list(active.filter(Q(pk__in=first) | Q(pk=chosen)).values_list("pk", "display_name"))  # one query

    def queryset(self, request, queryset):
        value = self.value()
        # ASCII digits only: isdigit() also accepts "²", which int() refuses, and other scripts' digits.
        if value and value.isascii() and value.isdigit():
            return desk.with_reviewer(queryset, reviewer_id=int(value))
        return queryset


class OverdueReviewFilter(admin.SimpleListFilter):
    title = "review overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "An assignment is overdue")]

    def queryset(self, request, queryset):
        return desk.overdue_review(queryset) if self.value() == "yes" else queryset


class RereviewDueFilter(admin.SimpleListFilter):
    title = "re-review"
    parameter_name = "rereview"

    def lookups(self, request, model_admin):
        return [("due", "Due now"), ("30", "Due within 30 days")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return desk.rereview_due(queryset)
        if self.value() == "30":
            return desk.rereview_due(queryset, within_days=30)
        return queryset


class PublicationFilter(admin.SimpleListFilter):
    title = "publication"
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return [
            ("published", "Published"),
            ("provisional", "Published provisionally"),
            ("unpublished", "Not published"),
            ("withdrawn", "Withdrawn (unpublished)"),
        ]

    def queryset(self, request, queryset):
        if self.value() in PUBLICATION_STATES:
            return queryset.in_publication_state(self.value())
        return queryset


class DeskListFilter(admin.SimpleListFilter):
    """The desk's own lists (its counts link here): waiting for reviewers, ready to publish."""

    title = "desk list"
    parameter_name = "desk"

    def lookups(self, request, model_admin):
        return [("waiting", "Waiting for reviewers"), ("ready", "Approved, not yet live")]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return desk.waiting_for_reviewers(queryset)
        if self.value() == "ready":
            return desk.ready_to_publish(queryset)
        return queryset
