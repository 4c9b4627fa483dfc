"""Admin for article data that is read, never edited: revisions, reports, publications, lookups.

The Article admin itself is registered by ``reviews.admin``: its buttons drive the workflow,
and ``articles`` never imports ``reviews``.
"""

from django.contrib import admin

from articles.models import ArticleRevision, Publication, ResolverLookup, Topic, ValidationReport


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
    list_display = ("revision", "errors", "warnings", "infos", "resolvers_used", "created_at")
    list_select_related = ("revision__article",)


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("title", "revision", "provisional", "published_by", "published_at")
    list_select_related = ("revision", "published_by")
    list_filter = ("provisional",)


@admin.register(ResolverLookup)
class ResolverLookupAdmin(ReadOnlyAdmin):
    list_display = ("source", "identifier", "ok", "fetched_at")
    list_filter = ("source", "ok")
    search_fields = ("identifier",)
