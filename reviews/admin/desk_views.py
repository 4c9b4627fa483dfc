"""The publishing desk's extra admin pages and bulk actions. Each parses input, calls one service
per article and reports what happened; the services decide and refuse."""

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from articles.models import Article
from reviews import permissions as perms
from reviews import provenance
from reviews.admin import selectors as desk
from reviews.admin.forms import (
    AssignForm,
    AuditFilterForm,
    ChangeLineForm,
    OverrideForm,
    ProvenanceForm,
    PublishForm,
    ReasonForm,
    RevertForm,
    ReviewDueForm,
    ScheduleForm,
    SwapReferenceForm,
    end_of_day,
)
from reviews.assignments import services as assignments
from reviews.exceptions import WorkflowError
from reviews.publishing import audit, dossier, scheduling
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from reviews.workflow.review_due import review_due_change
from reviews.workflow.swaps import reference_swap


def _form_errors(form) -> str:
    return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())


class DeskActionsMixin:
    """Bulk actions on the change list: one service call per article, every outcome reported."""

    actions = ["publish_approved", "assign_reviewer", "archive_articles"]

    def get_actions(self, request):
        # Authors see no bulk step they would only be refused.
        actions = super().get_actions(request)
        return actions if perms.is_editor(request.user) else {}

    def _bulk(self, request, queryset, form_class, title: str, run: Callable) -> TemplateResponse | None:
        form = form_class(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request), "opts": self.opts, "title": title, "form": form,
                "articles": queryset.order_by("pk"), "action": request.POST.get("action"),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            }  # fmt: skip
            return TemplateResponse(request, "admin/articles/article/bulk_action.html", context)
        done = 0
        for article in queryset.order_by("pk"):
            try:
                outcome = run(article, form.cleaned_data)
                messages.success(request, f"“{article.title}”: {outcome}.")
                done += 1
            except WorkflowError as error:
                messages.warning(request, f"“{article.title}” skipped: {error}")
        messages.info(request, f"{title}: {done} done, {queryset.count() - done} skipped.")
        return None

    @admin.action(description="Publish the approved revision of the selected articles")
    def publish_approved(self, request, queryset):
        def run(article, data):
            publication = publishing.publish(
                article=article, actor=request.user, reason=data["reason"],
                change_kind=data["change_kind"], change_reason=data["change_reason"],
            )  # fmt: skip
            return f"published revision {publication.revision.number}"

        return self._bulk(request, queryset, ChangeLineForm, "Publish approved articles", run)

    @admin.action(description="Assign a reviewer to the selected articles")
    def assign_reviewer(self, request, queryset):
        def run(article, data):
            made = assignments.assignments_create(
                article=article, reviewers=list(data["reviewers"]), actor=request.user,
                due_at=end_of_day(data["due_on"]), override_reason=data["override_reason"],
            )  # fmt: skip
            return f"{', '.join(a.reviewer.display_name for a in made)} invited, due {data['due_on']:%Y-%m-%d}"

        return self._bulk(request, queryset, AssignForm, "Assign a reviewer", run)

    @admin.action(description="Archive the selected articles")
    def archive_articles(self, request, queryset):
        def run(article, data):
            workflow.archive(article=article, actor=request.user, reason=data["reason"])
            return "archived"

        return self._bulk(request, queryset, ReasonForm, "Archive articles", run)


class DeskViewsMixin:
    """Publishing controls, revert, override, dossier, audit and the dashboard."""

    def view_on_site(self, obj):
        """The public page, offered only while there is one: a draft's address answers 404."""
        return obj.get_absolute_url() if obj.live_publication_id else None

    def desk_urls(self):
        wrap = self.admin_site.admin_view
        views = [
            ("publish", self.publish_view), ("unpublish", self.unpublish_view), ("schedule", self.schedule_view),
            ("cancel-schedule", self.cancel_schedule_view), ("revert", self.revert_view),
            ("override", self.override_view), ("dossier", self.dossier_view), ("review-due", self.review_due_view),
            ("swap-reference", self.swap_reference_view),
            ("provenance", self.provenance_view),
        ]  # fmt: skip
        own = [
            path(f"<int:object_id>/{name}/", wrap(view), name=f"articles_article_{name.replace('-', '_')}")
            for name, view in views
        ]
        return [
            *own,
            path("audit/", wrap(self.audit_view), name="articles_article_audit"),
            path("desk/", wrap(self.desk_view), name="articles_article_desk"),
        ]

    def _post_article(self, request, object_id) -> Article:
        if request.method != "POST":
            raise _MethodNotAllowed
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _act(self, request, object_id, form_class, run: Callable):
        try:
            article = self._post_article(request, object_id)
        except _MethodNotAllowed:
            return HttpResponseNotAllowed(["POST"])
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, f"Nothing was changed: {_form_errors(form)}")
        else:
            try:
                messages.success(request, run(article, form.cleaned_data))
            except WorkflowError as error:
                messages.error(request, str(error))
        return redirect(reverse("admin:articles_article_change", args=[object_id]))

    def publish_view(self, request, object_id):
        def run(article, data):
            publication = publishing.publish(
                article=article, actor=request.user, reason=data["reason"],
                revision_number=data.get("revision"), provisional=data["provisional"],
                change_kind=data["change_kind"], change_reason=data["change_reason"],
            )  # fmt: skip
            kind = "provisionally " if publication.provisional else ""
            return f"Revision {publication.revision.number} is now live {kind}for readers."

        return self._act(request, object_id, PublishForm, run)

    def unpublish_view(self, request, object_id):
        def run(article, data):
            publishing.unpublish(article=article, actor=request.user, reason=data["reason"])
            return "The article is off the public site; readers are told it was withdrawn."

        return self._act(request, object_id, ReasonForm, run)

    def schedule_view(self, request, object_id):
        def run(article, data):
            schedule = scheduling.schedule_create(
                article=article, actor=request.user, publish_at=data["publish_at"], reason=data["reason"],
                provisional=data["provisional"], change_kind=data["change_kind"], change_reason=data["change_reason"],
            )  # fmt: skip
            when = timezone.localtime(schedule.publish_at)
            return f"Revision {schedule.revision.number} will be published at {when:%Y-%m-%d %H:%M}."

        return self._act(request, object_id, ScheduleForm, run)

    def cancel_schedule_view(self, request, object_id):
        def run(article, data):
            scheduling.schedule_cancel_pending(article=article, actor=request.user, reason=data["reason"])
            return "The scheduled publication was cancelled."

        return self._act(request, object_id, ReasonForm, run)

    def revert_view(self, request, object_id):
        def run(article, data):
            revision = workflow.revision_revert(
                article=article, actor=request.user, number=data["number"], reason=data["reason"],
                expected_revision=data.get("expected_revision"),
            )  # fmt: skip
            return f"Revision {revision.number} restores the content of revision {data['number']}."

        return self._act(request, object_id, RevertForm, run)

    def swap_reference_view(self, request, object_id):
        def run(article, data):
            revision = reference_swap(
                article=article, actor=request.user, number=data["number"], reason=data["reason"],
                expected_revision=data.get("expected_revision"),
            )  # fmt: skip
            number = data["number"]
            return f"Revision {revision.number} cites the published version in place of preprint reference {number}."

        return self._act(request, object_id, SwapReferenceForm, run)

    def provenance_view(self, request, object_id):
        def run(article, data):
            record = provenance.revision_provenance_record(article=article, actor=request.user, **data)
            return f"Revision {record.revision.number}: {record.get_method_display().lower()} is recorded."

        return self._act(request, object_id, ProvenanceForm, run)

    def review_due_view(self, request, object_id):
        def run(article, data):
            due = data["next_review_due"]
            review_due_change(article=article, actor=request.user, due=due, reason=data["reason"])
            return f"The re-review date is now {due:%Y-%m-%d}." if due else "The re-review date was cleared."

        return self._act(request, object_id, ReviewDueForm, run)

    def override_view(self, request, object_id):
        try:
            article = self._post_article(request, object_id)
        except _MethodNotAllowed:
            return HttpResponseNotAllowed(["POST"])
        form = OverrideForm(request.POST, findings=desk.change_page(article=article).error_findings)
        if not form.is_valid():
            messages.error(request, f"Nothing was overridden: {_form_errors(form)}")
        else:
            try:
                override = workflow.override_validation(
                    article=article, actor=request.user, keys=form.cleaned_data["keys"],
                    reason=form.cleaned_data["reason"],
                )  # fmt: skip
                messages.success(request, f"Overridden for revision {override.revision}: {', '.join(override.rules)}")
            except WorkflowError as error:
                messages.error(request, str(error))
        return redirect(reverse("admin:articles_article_change", args=[object_id]))

    def _require_editor(self, request) -> None:
        if not (self.has_view_permission(request) and perms.is_editor(request.user)):
            raise PermissionDenied

    def dossier_view(self, request, object_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        article = get_object_or_404(self.get_queryset(request), pk=object_id)  # 404 before 403: nothing revealed
        self._require_editor(request)
        data = dossier.dossier_for_article(article=article)
        if request.GET.get("format") == "json":
            response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
            response["Content-Disposition"] = f'attachment; filename="dossier-{article.slug}.json"'
            return response
        context = {**self.admin_site.each_context(request), "opts": self.opts, "article": article, "dossier": data,
                   "title": f"Compliance dossier: {article.title}"}  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/dossier.html", context)

    def audit_view(self, request):
        self._require_editor(request)
        form = AuditFilterForm(request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        if form.is_bound and not form.is_valid():
            messages.error(request, f"Filters ignored: {_form_errors(form)}")
        export = request.GET.get("export")
        if export in ("transitions", "publications"):
            rows = (audit.transitions_for_audit if export == "transitions" else audit.publications_for_audit)(**filters)
            response = HttpResponse(audit.csv_text(export, rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="audit-{export}.csv"'
            return response
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "title": "Audit log", "form": form,
            "transitions": audit.transitions_for_audit(**filters)[:500],
            "publications": audit.publications_for_audit(**filters)[:200],
            "steps": audit.transition_steps(), "query": request.GET.urlencode(),
            "article_titles": desk.recent_article_titles(),
        }  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/audit.html", context)

    def desk_view(self, request):
        self._require_editor(request)
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": "Publishing desk",
                   **desk.desk_overview()}  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/desk.html", context)


class _MethodNotAllowed(Exception):
    pass
