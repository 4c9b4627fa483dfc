"""The board and the record in the admin: reviewer profiles (verify credentials), topics, and read-only
views of assignments, reviews, the transition log, validation overrides and sent notifications."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from articles.admin import HistoryViewOnlyAdmin, ReadOnlyAdmin, SingleLineFieldsMixin
from articles.admin import TopicAdmin as TopicFieldsAdmin
from articles.models import Topic
from reviews.admin.forms import CredentialsCheckForm
from reviews.board.services import reviewer_credentials_verify
from reviews.exceptions import WorkflowError
from reviews.models import Notification, Review, ReviewAssignment, ReviewerProfile, TransitionLog, ValidationOverride
from reviews.workflow import rounds


@admin.register(Topic)
class TopicAdmin(TopicFieldsAdmin):
    def save_model(self, request, obj, form, change):
        """A changed quorum changes which of the topic's articles need a reviewer: their stored flags
        are refreshed in the same transaction, under their row locks (``rounds.topic_quorum_change``)."""

        def save():
            super(TopicAdmin, self).save_model(request, obj, form, change)

        if change and "required_approvals" in form.changed_data:
            rounds.topic_quorum_change(topic=obj, save=save)
        else:
            save()


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(SingleLineFieldsMixin, HistoryViewOnlyAdmin):
    list_display = (
        "display_name", "degree", "specialty", "active", "licence_expires", "credentials_verified_at",
        "credentials_recheck_due",
    )  # fmt: skip
    list_filter = ("active", "degree", "specialty")
    search_fields = ("display_name", "specialty", "user__username", "user__email")
    list_select_related = ("user",)
    filter_horizontal = ("topics",)
    raw_id_fields = ("user",)
    readonly_fields = (
        "credentials_verified_at", "credentials_verified_by", "credentials_checked", "credentials_register",
        "credentials_recheck_due",
    )  # fmt: skip
    actions = ["verify_credentials"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # A profile's credits and decisions belong to its person: the account is fixed once created.
        return (*self.readonly_fields, "user") if obj else self.readonly_fields

    @admin.action(description="Record credentials as verified by me today")
    def verify_credentials(self, request, queryset):
        form = CredentialsCheckForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request), "opts": self.opts, "form": form,
                "title": "Record credentials as verified", "profiles": queryset.order_by("pk"),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            }  # fmt: skip
            return TemplateResponse(request, "admin/reviews/reviewerprofile/verify_credentials.html", context)
        data = form.cleaned_data
        for profile in queryset.order_by("pk"):
            try:
                reviewer_credentials_verify(
                    profile=profile, actor=request.user, checked=data["checked"], register=data["register"],
                    recheck_due=data["recheck_due"],
                )  # fmt: skip
                messages.success(request, f"{profile.display_name}: credentials verified.")
            except (WorkflowError, PermissionDenied) as error:
                messages.error(request, f"{profile.display_name}: {error}")
        return None


class AssignmentStatusFilter(admin.SimpleListFilter):
    """The stored statuses; "stale" covers both an edit of the article and a re-review of the same text."""

    title, parameter_name = "status", "status"

    def lookups(self, request, model_admin):
        S = ReviewAssignment.Status
        return [(s.value, "Stale or superseded by re-review" if s == S.STALE else s.label) for s in S]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() in ReviewAssignment.Status.values else queryset


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyAdmin, HistoryViewOnlyAdmin):
    list_display = ("article", "reviewer", "revision", "status_label", "due_at", "decision")
    list_filter = (AssignmentStatusFilter, "decision")
    list_select_related = ("article", "reviewer")
    search_fields = ("article__title", "reviewer__display_name")

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        return obj.status_label


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ("article", "reviewer", "revision", "decision", "eligible", "created_at")
    list_filter = ("decision", "eligible")
    list_select_related = ("article", "reviewer")


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "article", "revision", "transition", "from_status", "to_status", "actor", "reason")
    list_filter = ("transition", "to_status")
    list_select_related = ("article", "actor")
    search_fields = ("article__title", "reason")
    date_hierarchy = "at"


@admin.register(ValidationOverride)
class ValidationOverrideAdmin(ReadOnlyAdmin):
    list_display = ("at", "article", "revision", "actor", "reason")
    list_select_related = ("article", "actor")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("sent_at", "key", "recipient", "subject")
    search_fields = ("key", "recipient")
