"""Admin for article data that is read, never edited: revisions, reports, publications, lookups.

The Article admin itself is registered by ``reviews.admin``: its buttons drive the workflow,
and ``articles`` never imports ``reviews``.
"""

from django.contrib import admin
from django.http import HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from articles.models import (
    ArticleRevision,
    Publication,
    PublicationWithdrawal,
    ResolverLookup,
    ScheduledPublication,
    SiteSettings,
    Topic,
    ValidationReport,
)


class HistoryViewOnlyAdmin(SimpleHistoryAdmin):
    """Past versions can be looked at, never written back.

    simple-history's per-version form saves what it is sent, even with its revert button hidden
    (SIMPLE_HISTORY_REVERT_DISABLED), and its view needs only the view permission. History is
    never edited here: a revert is a new revision through the workflow.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is sacred: these rows are shown, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "required_approvals", "rereview_interval_days")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdmin):
    list_display = ("article", "number", "created_by", "created_at", "reason")
    list_select_related = ("article", "created_by")
    search_fields = ("article__title", "reason")
    date_hierarchy = "created_at"


@admin.register(ValidationReport)
class ValidationReportAdmin(ReadOnlyAdmin):
    list_display = ("revision", "errors", "warnings", "infos", "resolvers_used", "consulted_at", "created_at")
    list_select_related = ("revision__article",)


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("title", "revision", "provisional", "published_by", "published_at", "reason")
    list_select_related = ("revision", "published_by")
    list_filter = ("provisional",)
    search_fields = ("title", "reason")
    date_hierarchy = "published_at"


@admin.register(PublicationWithdrawal)
class PublicationWithdrawalAdmin(ReadOnlyAdmin):
    list_display = ("article", "publication", "withdrawn_by", "withdrawn_at", "reason")
    list_select_related = ("article", "publication__revision", "withdrawn_by")


@admin.register(ScheduledPublication)
class ScheduledPublicationAdmin(ReadOnlyAdmin):
    """Scheduled and cancelled from the article's page, where the rules are checked."""

    list_display = ("article", "revision", "publish_at", "status", "created_by", "closed_at", "note")
    list_select_related = ("article", "revision", "created_by")
    list_filter = ("status",)


@admin.register(SiteSettings)
class SiteSettingsAdmin(HistoryViewOnlyAdmin):
    """The one row of site settings; every change is kept in its history with who made it."""

    fields = ("allow_provisional_publishing", "disclaimer", "editorial_policy")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        SiteSettings.load()  # the single row exists from the first visit on
        return super().changelist_view(request, extra_context)


@admin.register(ResolverLookup)
class ResolverLookupAdmin(ReadOnlyAdmin):
    list_display = ("source", "identifier", "ok", "fetched_at")
    list_filter = ("source", "ok")
    search_fields = ("identifier",)
