"""The editors' desk. Admin code parses input and calls services; the workflow decides."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.admin import HistoryViewOnlyAdmin
from articles.diffing import revision_diff, word_diff
from articles.models import Article, ArticleRevision
from articles.parsing import parse_int
from articles.revisions import Content, article_create
from articles.selectors import revision_pair, revisions_for_article, site_settings_for_readers
from articles.versions import changes_since
from reviews import permissions as perms
from reviews.admin import selectors as desk
from reviews.admin.desk_views import DeskActionsMixin, DeskViewsMixin
from reviews.admin.filters import (
    DeskListFilter,
    OverdueReviewFilter,
    PublicationFilter,
    RereviewDueFilter,
    ReviewerFilter,
)
from reviews.admin.forms import OverrideForm
from reviews.admin.provenance import latest_provenance
from reviews.admin.references import ReferenceInline, ReferencesMixin, references_from
from reviews.admin.upload import UploadViewsMixin
from reviews.exceptions import StaleArticle, StaleEdit, WorkflowError
from reviews.workflow import gate
from reviews.workflow import transitions as workflow


class ArticleForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change", max_length=500, help_text="Recorded with the new revision."
    )
    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    non_material_reason = forms.CharField(
        label="Non-material edit: why", max_length=500, required=False,
        help_text="Only for a correction that does not change the medicine (a typo, a spelling). The approval "
        "is kept if no number, unit, dose, drug name, negation, citation marker or reference changes and few "
        "words change; otherwise the edit is saved as an ordinary one and the article is re-reviewed.",
    )  # fmt: skip

    class Meta:
        model = Article
        fields = ("title", "slug", "summary", "body", "topic", "audience", "variant_of")

    def clean(self):
        """Refuse a save from an older version of the row or an older revision: the editor's text is shown
        back with what changed, and the fields the editor did not touch take their current values."""
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        expected, version = cleaned.get("expected_revision"), cleaned.get("expected_version")
        if expected is None or version is None:
            raise forms.ValidationError(
                "This form does not say which revision and version you started from; reload the page."
            )
        current = Article.objects.get(pk=self.instance.pk)
        self.data = self.data.copy()
        self.data["expected_version"] = current.version
        try:
            workflow.require_current(article=current, expected_revision=expected)
        except StaleEdit as stale:
            self.stale_diff = word_diff(current.body, cleaned.get("body") or "")
            self.stale_revision = current.revision
            # Saving again from here is a deliberate choice made after seeing the diff.
            self.data["expected_revision"] = current.revision
            raise forms.ValidationError(str(stale)) from None
        try:
            workflow.require_version(article=current, expected_version=version)
        except StaleEdit:
            changes = changes_since(article=current, version=version)
            self._take_current_values(current, changes, cleaned)
            stale = StaleArticle(expected=version, current=current.version, changes=changes.describe())
            raise forms.ValidationError(str(stale)) from None
        return cleaned

    def _take_current_values(self, current: Article, changes, cleaned: dict) -> None:
        """Where the editor left a field as it was and someone else changed it, show the stored value."""
        for name, then in changes.then.items():
            if name not in self.fields or name in self.Meta.fields[:4]:
                continue
            mine = cleaned.get(name)
            if getattr(mine, "pk", mine) == then:
                value = getattr(current, Article._meta.get_field(name).attname)
                self.data[name] = "" if value is None else str(value)


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows (then the list says "10,000+"): a change list's COUNT over every
    matching article grows with the site, this one stops at the cap. Pages past the cap are still
    reachable by narrowing the filters or the search."""

    COUNT_CAP = 10_000
    capped = False

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            found = self.object_list.order_by().values("pk")[: self.COUNT_CAP + 1].count()
            self.capped = found > self.COUNT_CAP
            self._capped_count = min(found, self.COUNT_CAP)
        return self._capped_count


def _editable_here(user, article: Article) -> bool:
    return perms.is_editor(user) or perms.can_edit_content(user, article)


@admin.register(Article)
class ArticleAdmin(DeskActionsMixin, DeskViewsMixin, ReferencesMixin, UploadViewsMixin, HistoryViewOnlyAdmin):
    form = ArticleForm
    inlines = [ReferenceInline]
    list_display = ("title_and_slug", "status", "topic", "author_name", "validation", "revision", "live_revision",
                    "reviewers", "last_reviewed_at", "next_review_due")  # fmt: skip
    list_filter = ("status", "topic", ReviewerFilter, OverdueReviewFilter, RereviewDueFilter, PublicationFilter,
                   DeskListFilter, "audience")  # fmt: skip
    list_select_related = ("topic", "author")
    sortable_by = ("title_and_slug", "status", "revision", "live_revision", "last_reviewed_at", "next_review_due",
                   "topic", "author_name")  # fmt: skip
    search_fields = ("title", "slug", "=references__doi", "=references__pmid", "=references__pmcid",
                     "=references__isbn")  # fmt: skip
    search_help_text = "Words of the title, or a reference's DOI, PMID, PMCID or ISBN (whole identifier)."
    paginator = CappedCountPaginator
    show_full_result_count = False  # no second COUNT over every article on each filtered page
    readonly_fields = ("status", "revision", "author", "last_reviewed_at", "next_review_due", "live_publication")
    prepopulated_fields = {"slug": ("title",)}
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: history, logs and publications are kept

    def get_queryset(self, request):
        articles = desk.articles_for_desk(super().get_queryset(request))
        return articles if perms.is_editor(request.user) else articles.filter(author=request.user)

    def get_search_results(self, request, queryset, search_term):
        return desk.search_for_desk(queryset, terms=search_term), False

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or perms.can_view_article(request.user, obj))

    def has_change_permission(self, request, obj=None):
        # An author's submitted article shows read-only (with a note) rather than refusing a save afterwards.
        return super().has_change_permission(request, obj) and (
            obj is None or (perms.can_view_article(request.user, obj) and _editable_here(request.user, obj))
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "variant_of":  # an author may only point at their own articles
            own = (
                Article.objects.all() if perms.is_editor(request.user) else Article.objects.filter(author=request.user)
            )
            kwargs["queryset"] = own.order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # The slug is the article's public address: fixed once the article exists.
        return (*self.readonly_fields, "slug") if obj else self.readonly_fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    @admin.display(description="title", ordering="title")
    def title_and_slug(self, obj):
        # Two articles may share a title: the slug (their address) tells them apart.
        return format_html('{}<br><small class="article-slug">{}</small>', obj.title, obj.slug)

    @admin.display(description="author", ordering="author__username")
    def author_name(self, obj):
        return obj.author.get_full_name() or obj.author.get_username() if obj.author_id else "—"

    @admin.display(description="validation")
    def validation(self, obj):
        if obj.report_errors is None:
            return "not checked yet"
        if obj.report_errors:
            return format_html('<span class="finding-error">{} error(s)</span>', obj.report_errors)
        return f"{obj.report_warnings} warning(s)" if obj.report_warnings else "clean"

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
        form.base_fields["expected_version"].initial = obj.version if obj else None
        form.base_fields["change_reason"].initial = "" if obj else "Created in the editorial desk"
        return form

    def save_model(self, request, obj, form, change):
        """Deferred to save_related, which sees the references too: one change, one revision."""

    def save_related(self, request, form, formsets, change):
        for formset in formsets:  # saved through the service below; the admin's change message reads these
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        data = form.cleaned_data
        content = Content(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            references=references_from(formsets, article=form.instance if change else None),
        )
        metadata = {name: data.get(name) for name in ("topic", "audience", "variant_of")}
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
            non_material=data.get("non_material_reason") or "",
            expected_version=data.get("expected_version"),
        )  # fmt: skip
        if data.get("non_material_reason"):
            self._report_claim(request, form.instance.pk)

    def _report_claim(self, request, pk: int) -> None:
        claim = gate.latest_claim(article=Article.objects.get(pk=pk))
        if claim is None:
            return
        if claim.accepted:
            messages.success(request, f"Non-material edit: revision {claim.to_revision} keeps the approval.")
        else:
            messages.warning(request, f"Refused as non-material, saved as an ordinary edit: {claim.refusal}.")

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
        return own + self.desk_urls() + self.reference_urls() + self.upload_urls() + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "is_editor": perms.is_editor(request.user)}
        response = super().changelist_view(request, extra_context=extra)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None and changelist.paginator.capped:  # "all N selected" would understate
            response.context_data["selection_note_all"] = f"All {changelist.result_count}+ selected"
        return response

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
                read_only_note=not _editable_here(request.user, article),
                allow_provisional=site_settings_for_readers().allow_provisional_publishing,
                override_form=OverrideForm(findings=page.error_findings),
                **self.references_page(request, article),
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
            old = parse_int(request.GET.get("old", "0"), name="old", low=0)
            new = parse_int(request.GET.get("new", str(article.revision)), name="new", low=0)
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
