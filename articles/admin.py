"""Admin for article data that is read, never edited: revisions, reports, publications, lookups.

The Article admin itself is registered by ``reviews.admin``: its buttons drive the workflow,
and ``articles`` never imports ``reviews``.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from articles import error_reports
from articles.forms import DismissForm
from articles.models import (
    Anonymity,
    ArticleDisclosure,
    ArticleRevision,
    AuthorProfile,
    ErrorReport,
    Publication,
    PublicationChange,
    PublicationWithdrawal,
    ResolverLookup,
    RevisionProvenance,
    ScheduledPublication,
    SiteSettings,
    Topic,
    ValidationReport,
)
from articles.parsing import BadValue, contains_nul, parse_id, parse_int
from articles.templatetags.people import dates_in_words, when
from articles.validators import SingleLineValidator

DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}
# A workflow change reason starts with its transition's code ("start_review: …"); people read words.
TRANSITION_PREFIX = re.compile(r"^([a-z]+(?:_[a-z]+)+):")


class ParsedInputMixin:
    """Change lists parse their free values: date-hierarchy parts are bounded numbers (400 otherwise),
    and bulk actions act on ids: a selection that is not a list of ids is refused, naming the value."""

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            try:
                for part, (low, high) in DATE_PARTS.items():
                    name = f"{self.date_hierarchy}__{part}"
                    if name in request.GET:
                        parse_int(request.GET[name], name=name, low=low, high=high)
            except BadValue as error:
                return HttpResponseBadRequest(f"Bad request: {error}\n", content_type="text/plain; charset=utf-8")
        return super().changelist_view(request, extra_context)

    def response_action(self, request, queryset):
        try:
            for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
                parse_id(value, name="selected row")
        except BadValue as error:
            messages.error(request, f"Nothing was done: {error}.")
            return HttpResponseRedirect(request.get_full_path())
        return super().response_action(request, queryset)


class HistoryViewOnlyAdmin(ParsedInputMixin, SimpleHistoryAdmin):
    """Past versions can be looked at, never written back.

    simple-history's per-version form saves what it is sent, even with its revert button hidden
    (SIMPLE_HISTORY_REVERT_DISABLED), and its view needs only the view permission. History is
    never edited here: a revert is a new revision through the workflow.

    Who made each change and why is shown through ``history_shown``, which a subclass may narrow
    (the article admin shows an anonymous review's reviewers by their labels).
    """

    object_history_list_template = "admin/history_list_shown.html"

    def history_shown(self, request, obj, records) -> None:
        """Set ``shown_user`` and ``shown_reason`` on each history record (as recorded, by default).

        Names are text, never links: the user admin answers 403 to everyone but superusers."""
        for record in records:
            record.shown_user = str(record.history_user) if record.history_user_id else ""
            reason = record.history_change_reason or ""
            reason = TRANSITION_PREFIX.sub(lambda m: m[1].replace("_", " ") + ":", reason, count=1)
            record.shown_reason = dates_in_words(reason)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        self.history_shown(request, getattr(request, "_history_object", None), historical_records)

    def _object_or_404(self, request, object_id):
        """The object by a parsed id, within what this user may see: 404 otherwise, 403 without the right."""
        try:
            pk = parse_id(object_id, name="id")
        except BadValue:
            raise Http404("No such object.") from None
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None:
            raise Http404("No such object.")
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request, object_id, extra_context=None):
        request._history_object = self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One past version, read-only: each field's value as it was then (never a form to save)."""
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        obj = self._object_or_404(request, object_id)
        try:
            version = obj.history.filter(history_id=parse_id(version_id, name="version")).first()
        except BadValue:
            version = None
        if version is None:
            raise Http404("No such version of this object.")
        fields = [(f.verbose_name, _shown(version, f)) for f in self.model._meta.concrete_fields
                  if hasattr(version, f.attname)]  # fmt: skip
        self.history_shown(request, obj, [version])
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "object": obj, "version": version,
            "fields": fields, "title": f"{obj} as of {when(version.history_date)}",
        }  # fmt: skip
        return TemplateResponse(request, "admin/history_version.html", context)


class ReadableChanges(HistoricalRecordContextHelper):
    """The history list's changes as people read them: choices by label, dates as dates, "—" for none."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if getattr(field, "choices", None):
            return dict(field.flatchoices).get(value, value)
        if value is None or value == "":
            return "—"
        return when(value) if hasattr(value, "year") else super().prepare_delta_change_value(change, value)


def _shown(version, model_field) -> object:
    value = getattr(version, model_field.attname)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if hasattr(value, "year"):
        return when(value)
    return "—" if value in (None, "") else value


class ReadOnlyAdmin(ParsedInputMixin, admin.ModelAdmin):
    """History is sacred: these rows are shown, never added, changed or deleted.

    People are named as text: a read-only relation links to its admin page, and the user admin
    answers 403 to everyone but superusers."""

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.people_fields = {f.name for f in model._meta.concrete_fields if f.related_model is get_user_model()}
        for name in self.people_fields:
            setattr(self, f"{name}_named", _named(model._meta.get_field(name)))

    def get_fields(self, request, obj=None):
        return [f"{name}_named" if name in self.people_fields else name for name in super().get_fields(request, obj)]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _named(field):
    @admin.display(description=field.verbose_name)
    def named(obj):
        return str(getattr(obj, field.name) or "—")

    return named


class TopicForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ("name", "slug", "description", "rereview_interval_days", "required_approvals",
                  "required_specialties", "claims_need_support", "anonymity",
                  "requires_credited_signoff")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anonymity"].required = False  # left out, a topic's review is open

    def clean_anonymity(self) -> str:
        return self.cleaned_data.get("anonymity") or Anonymity.OPEN

    def clean_required_specialties(self) -> list[str]:
        """A list of specialty names; left empty it is the empty list (no specialty required)."""
        value = self.cleaned_data.get("required_specialties")
        if value in (None, "", {}):
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise forms.ValidationError('Give a list of specialty names, e.g. ["Cardiology"], or leave it empty.')
        if any(contains_nul(v) or len(v) > 120 for v in value):
            raise forms.ValidationError("A specialty name may not contain a NUL character or exceed 120 characters.")
        return [v.strip() for v in value]


class TopicAdmin(admin.ModelAdmin):
    """Registered by ``reviews.admin.records``, whose save keeps the editors' desk's flag true on a quorum change."""

    form = TopicForm
    list_display = (
        "name",
        "required_approvals",
        "rereview_interval_days",
        "claims_need_support",
        "anonymity",
        "requires_credited_signoff",
    )
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

    fields = (
        "allow_provisional_publishing", "require_provenance_before_submission", "disclaimer", "editorial_policy",
        "advertising_policy",
    )  # fmt: skip

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


class SingleLineFieldsMixin:
    """Model fields that are one line (names shown in credits, bylines and email subjects), checked in the
    admin's form with ``SingleLineValidator`` (the model field stays as it is)."""

    single_line_fields: dict[str, str] = {"display_name": "A display name"}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in self.single_line_fields:
            field.validators.append(SingleLineValidator(self.single_line_fields[db_field.name]))
        return field


@admin.register(AuthorProfile)
class AuthorProfileAdmin(SingleLineFieldsMixin, admin.ModelAdmin):
    list_display = ("display_name", "credentials", "specialty", "affiliation", "orcid", "public")
    list_select_related = ("user",)
    list_filter = ("public",)
    search_fields = ("display_name", "orcid", "npi", "licence_number")
    autocomplete_fields = ("user",)
    prepopulated_fields = {"slug": ("display_name",)}
    fieldsets = (
        (None, {"fields": ("user", "display_name", "slug", "credentials", "specialty", "affiliation", "bio",
                           "photo_url", "public")}),
        ("Identifiers (checked when saved)", {"fields": ("orcid", "npi", "licence_number", "licence_issuer")}),
    )  # fmt: skip


@admin.register(RevisionProvenance)
class RevisionProvenanceAdmin(admin.ModelAdmin):
    """How each revision was made; shown to readers as "How this article was created"."""

    list_display = ("revision", "method", "ai_tool", "source_url", "recorded_by", "updated_at")
    list_select_related = ("revision__article", "recorded_by")
    list_filter = ("method",)
    search_fields = ("revision__article__title", "ai_tool", "source_url")
    raw_id_fields = ("revision",)
    readonly_fields = ("recorded_by",)

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user  # who vouches for the record; the form already ran full_clean
        super().save_model(request, obj, form, change)


@admin.register(ArticleDisclosure)
class ArticleDisclosureAdmin(admin.ModelAdmin):
    list_display = ("article", "sponsor", "updated_at")
    list_select_related = ("article",)
    search_fields = ("article__title", "sponsor", "funding")
    raw_id_fields = ("article",)


@admin.register(PublicationChange)
class PublicationChangeAdmin(ReadOnlyAdmin):
    """The public corrections and updates log: written at publish time, never edited."""

    list_display = ("article", "kind", "reason", "changed_at", "recorded_by")
    list_select_related = ("article", "recorded_by")
    list_filter = ("kind",)


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """The editors' queue of readers' reports. States change only through ``articles.error_reports``."""

    list_display = ("created_at", "article", "revision_number", "category", "state", "short_message")
    list_select_related = ("article", "revision")
    list_filter = ("state", "category")
    search_fields = ("article__title", "message", "email")
    date_hierarchy = "created_at"
    readonly_fields = ("article", "revision", "category", "message", "email", "state", "dismissed_reason",
                       "created_at", "state_changed_at", "state_changed_by", "notified_at")  # fmt: skip
    actions = ("triage", "mark_fixed", "dismiss")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="revision")
    def revision_number(self, obj):
        return obj.revision.number

    @admin.display(description="message")
    def short_message(self, obj):
        return obj.message if len(obj.message) <= 80 else obj.message[:79] + "…"

    def _each(self, request, queryset, label, move, **kwargs):
        done = 0
        for report in queryset.order_by("pk"):
            try:
                move(report=report, actor=request.user, **kwargs)
                done += 1
            except (error_reports.ReportRefused, ValidationError) as exc:
                self.message_user(request, f"Report {report.pk}: {exc}", messages.WARNING)
        if done:
            self.message_user(request, f"{done} report(s) {label}.", messages.SUCCESS)

    @admin.action(description="Mark triaged", permissions=["change"])
    def triage(self, request, queryset):
        self._each(request, queryset, "triaged", error_reports.error_report_triage)

    @admin.action(
        description="Mark fixed (the reporter hears when the correction is published)", permissions=["change"]
    )
    def mark_fixed(self, request, queryset):
        self._each(request, queryset, "marked fixed", error_reports.error_report_fix)

    @admin.action(description="Dismiss with a reason…", permissions=["change"])
    def dismiss(self, request, queryset):
        form = DismissForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["dismissed_reason"]
            self._each(request, queryset, "dismissed", error_reports.error_report_dismiss, reason=reason)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Dismiss reports",
            "reports": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/errorreport/dismiss.html", context)
