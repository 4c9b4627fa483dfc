"""The editors' desk. Admin code parses input and calls services; the workflow decides."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from articles.admin import HistoryViewOnlyAdmin
from articles.diffing import revision_diff, word_diff
from articles.models import Article, ArticleRevision, Reference
from articles.revisions import Content, article_create
from articles.selectors import revision_pair, revisions_for_article, site_settings_for_readers
from articles.validation.references import REFERENCE_FIELDS
from reviews import permissions as perms
from reviews.admin import selectors as desk
from reviews.admin.desk_views import DeskActionsMixin, DeskViewsMixin
from reviews.admin.filters import OverdueReviewFilter, PublicationFilter, RereviewDueFilter, ReviewerFilter
from reviews.admin.forms import OverrideForm
from reviews.admin.provenance import latest_provenance
from reviews.admin.upload import UploadViewsMixin
from reviews.exceptions import StaleEdit, WorkflowError
from reviews.workflow import transitions as workflow


class ArticleForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change", max_length=500, help_text="Recorded with the new revision."
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = ("title", "slug", "summary", "body", "topic", "audience", "variant_of", "next_review_due")

    def clean(self):
        """Refuse a save from an older revision: the editor's text is shown back with what changed."""
        cleaned = super().clean()
        expected = cleaned.get("expected_revision")
        if self.instance.pk and expected is None:
            raise forms.ValidationError("This form does not say which revision you started from; reload the page.")
        if self.instance.pk and expected is not None:
            current = Article.objects.only("revision", "body").get(pk=self.instance.pk)
            try:
                workflow.require_current(article=current, expected_revision=expected)
            except StaleEdit as stale:
                self.stale_diff = word_diff(current.body, cleaned.get("body") or "")
                self.stale_revision = current.revision
                # Saving again from here is a deliberate choice made after seeing the diff.
                self.data = self.data.copy()
                self.data["expected_revision"] = current.revision
                raise forms.ValidationError(str(stale)) from None
        return cleaned


class ReferenceInline(admin.StackedInline):
    model = Reference
    extra = 0
    fields = (("number", "kind", "year"), "authors", "title", "source", "details",
              ("doi", "pmid", "pmcid"), ("isbn", "issn"), "url", "raw", "validation_findings")  # fmt: skip
    readonly_fields = ("validation_findings",)
    findings: dict[int, list[dict]] = {}

    def get_formset(self, request, obj=None, **kwargs):
        page = getattr(request, "_desk_page", None)
        self.findings = page.findings_by_reference if page else {}
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Findings on the current revision")
    def validation_findings(self, obj):
        found = self.findings.get(obj.number, []) if obj and obj.pk else []
        if not found:
            return "None"
        return format_html_join(
            "", '<div class="finding finding-{}"><strong>{}</strong> {}: {}</div>',
            ((f["severity"], f["severity"], f["rule"], f["message"]) for f in found),
        )  # fmt: skip


def _references_from(formsets) -> list[dict]:
    refs = []
    for formset in formsets:
        if formset.model is not Reference:
            continue
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE"):
                refs.append({name: data.get(name) for name in REFERENCE_FIELDS})
    return refs


@admin.register(Article)
class ArticleAdmin(DeskActionsMixin, DeskViewsMixin, UploadViewsMixin, HistoryViewOnlyAdmin):
    form = ArticleForm
    inlines = [ReferenceInline]
    list_display = ("title", "status", "revision", "live_revision", "reviewers", "last_reviewed_at",
                    "next_review_due", "topic")  # fmt: skip
    list_filter = ("status", "topic", ReviewerFilter, OverdueReviewFilter, RereviewDueFilter, PublicationFilter,
                   "audience")  # fmt: skip
    list_select_related = ("topic",)
    sortable_by = ("title", "status", "revision", "live_revision", "last_reviewed_at", "next_review_due", "topic")
    search_fields = ("title", "slug", "=references__doi", "=references__pmid", "=references__pmcid",
                     "=references__isbn")  # fmt: skip
    search_help_text = "Words of the title, or a reference's DOI, PMID, PMCID or ISBN (whole identifier)."
    readonly_fields = ("status", "revision", "author", "last_reviewed_at", "live_publication")
    prepopulated_fields = {"slug": ("title",)}
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: history, logs and publications are kept

    def get_queryset(self, request):
        articles = desk.articles_for_desk(super().get_queryset(request))
        return articles if perms.is_editor(request.user) else articles.filter(author=request.user)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or perms.can_view_article(request.user, obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or perms.can_view_article(request.user, obj)
        )

    def get_readonly_fields(self, request, obj=None):
        # The slug is the article's public address: fixed once the article exists.
        return (*self.readonly_fields, "slug") if obj else self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    @admin.display(description="live revision", ordering="live_publication__revision__number")
    def live_revision(self, obj):
        if obj.live_revision is None:
            return "—"
        return f"{obj.live_revision} (provisional)" if obj.live_provisional else obj.live_revision

    @admin.display(description="reviewers")
    def reviewers(self, obj):
        return ", ".join(f"{a.reviewer.display_name} ({a.get_status_display().lower()})"
                         for a in obj.desk_assignments) or "—"  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["expected_revision"].initial = obj.revision if obj else None
        form.base_fields["change_reason"].initial = "" if obj else "Created in the editorial desk"
        return form

    def save_model(self, request, obj, form, change):
        """Deferred to save_related, which sees the references too: one change, one revision."""

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # saved through the service below; the admin's change message reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        data = form.cleaned_data
        content = Content(
            title=data["title"], summary=data["summary"], body=data["body"], references=_references_from(formsets)
        )
        metadata = {name: data.get(name) for name in ("topic", "audience", "variant_of", "next_review_due")}
        if not change:
            article = article_create(
                title=content.title, slug=data["slug"], summary=content.summary, body=content.body,
                references=content.references, author=request.user, actor=request.user,
                reason=data["change_reason"], **metadata,
            )  # fmt: skip
            form.instance.pk, form.instance.revision = article.pk, article.revision
            return
        # A StaleEdit or refusal propagates: the admin's transaction rolls back and changeform_view answers.
        workflow.article_edit(
            article=Article.objects.get(pk=form.instance.pk), actor=request.user, content=content, metadata=metadata,
            reason=data["change_reason"], expected_revision=data.get("expected_revision"),
        )  # fmt: skip

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit:
            # Another editor saved between our form check and our locked save. Nothing of ours was
            # written; running the form again finds the newer revision and shows this editor's text back.
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WorkflowError as error:
            messages.error(request, f"Nothing was saved: {error}")
            return redirect(reverse("admin:articles_article_change", args=[object_id]))

    def get_urls(self):
        own = [
            path("<int:object_id>/transition/<slug:name>/", self.admin_site.admin_view(self.transition_view),
                 name="articles_article_transition"),
            path("<int:object_id>/revisions/", self.admin_site.admin_view(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:object_id>/compare/", self.admin_site.admin_view(self.compare_view),
                 name="articles_article_compare"),
        ]  # fmt: skip
        return own + self.desk_urls() + self.upload_urls() + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        extra = extra_context or {}
        if article is not None:
            page = desk.change_page(article=article)
            request._desk_page = page
            extra.update(
                workflow_actions=workflow.available_transitions(article=article, user=request.user),
                transition_log=article.transitions.select_related("actor")[:20],
                desk=page,
                live=article.live_publication,
                is_chief=perms.is_editor_in_chief(request.user),
                may_edit=perms.is_editor(request.user),
                allow_provisional=site_settings_for_readers().allow_provisional_publishing,
                override_form=OverrideForm(findings=page.error_findings),
                provenance=latest_provenance(article=article),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _article_or_404(self, request, object_id) -> Article:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def transition_view(self, request, object_id, name):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if name not in workflow.TRANSITIONS:
            messages.error(request, f"There is no transition called '{name}'.")
        else:
            try:
                workflow.TRANSITIONS[name](article=article, actor=request.user, reason=request.POST.get("reason", ""))
                messages.success(request, f"{workflow.RULES[name].label}: done.")
            except WorkflowError as error:
                messages.error(request, str(error))
        return redirect(reverse("admin:articles_article_change", args=[article.pk]))

    def revisions_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "revisions": revisions_for_article(article=article),
            "title": f"Revisions of “{article.title}”",
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        try:
            old, new = int(request.GET.get("old", 0)), int(request.GET.get("new", article.revision))
            old_rev, new_rev = revision_pair(article=article, old=old, new=new)
        except (ValueError, ArticleRevision.DoesNotExist) as error:
            messages.error(request, f"Cannot compare: {error or 'give two revision numbers'}")
            return redirect(reverse("admin:articles_article_revisions", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "diff": revision_diff(old=old_rev, new=new_rev),
            "old": old_rev,
            "new": new_rev,
            "title": f"Compare revisions {old} and {new}",
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)
