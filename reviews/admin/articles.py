"""The editors' desk. Admin code parses input and calls services; the workflow decides."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles.admin import HistoryViewOnlyAdmin
from articles.diffing import change_summary, paragraph_diff, paragraphs, revision_diff
from articles.models import Anonymity, Article, ArticleRevision
from articles.parsing import parse_int
from articles.revisions import Content, article_create
from articles.selectors import revision_pair, revisions_for_article, site_settings_for_readers
from reviews import permissions as perms
from reviews.admin import selectors as desk
from reviews.admin.article_form import ArticleForm
from reviews.admin.desk_views import DeskActionsMixin, DeskViewsMixin
from reviews.admin.editor import BodyEditorMixin
from reviews.admin.filters import (
    DeskListFilter,
    OverdueReviewFilter,
    PublicationFilter,
    RereviewDueFilter,
    ReviewerFilter,
)
from reviews.admin.forms import CompareViewForm, OverrideForm, StepForm
from reviews.admin.paging import CappedCountPaginator, DeskChangeList, search_count_cap
from reviews.admin.provenance import latest_provenance
from reviews.admin.references import ReferenceInline, ReferencesMixin, references_from
from reviews.admin.upload import UploadViewsMixin
from reviews.anonymity import anonymity_mode, reviewer_hidden_from
from reviews.comments import selectors as comment_reads
from reviews.exceptions import StaleEdit, WorkflowError
from reviews.masking import masking_for
from reviews.workflow import gate
from reviews.workflow import transitions as workflow

# A body of more paragraphs than this opens its comparison on the changed paragraphs only.
LONG_BODY_PARAGRAPHS = 8


def _editable_here(user, article: Article) -> bool:
    return perms.is_editor(user) or perms.can_edit_content(user, article)


@admin.register(Article)
class ArticleAdmin(
    DeskActionsMixin, DeskViewsMixin, ReferencesMixin, UploadViewsMixin, BodyEditorMixin, HistoryViewOnlyAdmin
):
    form = ArticleForm
    inlines = [ReferenceInline]
    list_display = ("title_and_slug", "status", "topic", "author_name", "validation", "revision",
                    "live_revision_shown", "reviewers", "last_reviewed_at", "next_review_due")  # fmt: skip
    list_filter = ("status", "topic", ReviewerFilter, OverdueReviewFilter, RereviewDueFilter, PublicationFilter,
                   DeskListFilter, "audience")  # fmt: skip
    list_select_related = ("topic", "author")
    sortable_by = ("title_and_slug", "status", "revision", "live_revision_shown", "last_reviewed_at", "next_review_due",
                   "topic", "author_name")  # fmt: skip
    search_fields = ("title", "slug", "=references__doi", "=references__pmid", "=references__pmcid",
                     "=references__isbn")  # fmt: skip
    search_help_text = "Words of the title, or a reference's DOI, PMID, PMCID or ISBN (whole identifier)."
    paginator = CappedCountPaginator
    show_full_result_count = False  # no second COUNT over every article on each filtered page
    # The author as text: a link would open the user admin, which only superusers may see.
    readonly_fields = ("status", "revision", "written_by", "last_reviewed_at", "next_review_due", "live_publication")
    prepopulated_fields = {"slug": ("title",)}
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: history, logs and publications are kept

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # Only editors choose who sees whom during review (``perms.can_set_anonymity``).
        if not perms.can_set_anonymity(request.user):
            fields = [f for f in fields if f != "anonymity"]
        if obj is not None and not perms.is_editor(request.user) and not self.has_change_permission(request, obj):
            # Read-only, a relation would link to an admin page the author may not open: text instead.
            fields = [{"topic": "topic_shown", "variant_of": "variant_shown"}.get(f, f) for f in fields]
        return fields

    def get_list_filter(self, request):
        # Filtering by reviewer would tell an author who reviews their article.
        filters = super().get_list_filter(request)
        return filters if perms.is_editor(request.user) else [f for f in filters if f is not ReviewerFilter]

    def get_list_display(self, request):
        if perms.is_editor(request.user):
            return self.list_display
        user = request.user

        @admin.display(description="reviewers")
        def reviewers(obj):
            if reviewer_hidden_from(user, obj):  # anonymous review: how many, and where they stand
                states = [a.get_status_display().lower() for a in obj.desk_assignments]
                return f"{len(states)} anonymous ({', '.join(states)})" if states else "—"
            return self.reviewers(obj)

        return tuple(reviewers if name == "reviewers" else name for name in self.list_display if name != "author_name")

    def get_queryset(self, request):
        articles = super().get_queryset(request)  # the change list adds its columns (DeskChangeList)
        return articles if perms.is_editor(request.user) else articles.filter(author=request.user)

    def get_changelist(self, request, **kwargs):
        return DeskChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, count_cap=search_count_cap(request, per_page)
        )

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
        fields = (*self.readonly_fields, "slug") if obj else self.readonly_fields
        if not perms.is_editor(request.user):  # the publication admin is the editors'
            fields = tuple("live_shown" if f == "live_publication" else f for f in fields)
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj else self.prepopulated_fields

    @admin.display(description="title", ordering="title")
    def title_and_slug(self, obj):
        # Two articles may share a title: the slug (their address) tells them apart.
        return format_html('{}<br><small class="article-slug">{}</small>', obj.title, obj.slug)

    @admin.display(description="author", ordering="author__username")
    def author_name(self, obj):
        return obj.author.get_full_name() or obj.author.get_username() if obj.author_id else "—"

    @admin.display(description="author")
    def written_by(self, obj):
        return self.author_name(obj)

    @admin.display(description="topic")
    def topic_shown(self, obj):
        return obj.topic.name if obj.topic_id else "—"

    @admin.display(description="variant of")
    def variant_shown(self, obj):
        return obj.variant_of.title if obj.variant_of_id else "—"

    @admin.display(description="live publication")
    def live_shown(self, obj):
        return str(obj.live_publication) if obj.live_publication_id else "—"

    @admin.display(description="validation")
    def validation(self, obj):
        if obj.report_errors is None:
            return "not checked yet"
        if obj.report_errors:
            return format_html('<span class="finding-error">{} error(s)</span>', obj.report_errors)
        return f"{obj.report_warnings} warning(s)" if obj.report_warnings else "clean"

    # Not named after the model's field, which the change list would show in its place.
    @admin.display(description="live revision", ordering="live_revision")
    def live_revision_shown(self, obj):
        if obj.live_revision is None:
            return "—"
        return f"{obj.live_revision} (provisional)" if obj.live_state == "provisional" else obj.live_revision

    @admin.display(description="reviewers")
    def reviewers(self, obj):
        return ", ".join(f"{a.reviewer.display_name} ({a.status_label.lower()})"
                         for a in obj.desk_assignments) or "—"  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["expected_revision"].initial = obj.revision if obj else None
        form.base_fields["expected_version"].initial = obj.version if obj else None
        form.base_fields["change_reason"].initial = "" if obj else "Created in the editorial desk"
        self.editor_wire(request, form, obj)
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
        if perms.can_set_anonymity(request.user) and "anonymity" in data:
            metadata["anonymity"] = data["anonymity"] or ""
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

    def history_shown(self, request, obj, records) -> None:
        """The article's history as this viewer may see it: reviewers by label in an anonymous review."""
        super().history_shown(request, obj, records)
        if obj is None:
            return
        masking = masking_for(user=request.user, article=obj)
        if masking.active:
            for record in records:
                record.shown_user = masking.person(record.history_user) if record.history_user_id else ""
                record.shown_reason = masking.text(record.shown_reason)

    def get_urls(self):
        own = [
            path("<int:object_id>/transition/<slug:name>/", self.admin_site.admin_view(self.transition_view),
                 name="articles_article_transition"),
            path("<int:object_id>/revisions/", self.admin_site.admin_view(self.revisions_view),
                 name="articles_article_revisions"),
            path("<int:object_id>/compare/", self.admin_site.admin_view(self.compare_view),
                 name="articles_article_compare"),
        ]  # fmt: skip
        faces = self.desk_urls() + self.reference_urls() + self.upload_urls() + self.editor_urls()
        return own + faces + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), "is_editor": perms.is_editor(request.user), "is_nav_sidebar_enabled": False}
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
            # An anonymous review shows the author "Reviewer 1" for each reviewer, in every list here.
            masking = masking_for(user=request.user, article=article)
            masking.label_assignments(page.assignments)
            masking.label_revisions(page.revisions)
            extra.update(
                workflow_actions=workflow.available_transitions(article=article, user=request.user),
                transition_log=masking.label_logs(list(article.transitions.select_related("actor")[:20])),
                anonymity=Anonymity(anonymity_mode(article)).label,
                anonymity_own=bool(article.anonymity),
                desk=page,
                live=article.live_publication,
                is_chief=perms.is_editor_in_chief(request.user),
                may_edit=perms.is_editor(request.user),
                read_only_note=not _editable_here(request.user, article),
                allow_provisional=site_settings_for_readers().allow_provisional_publishing,
                override_form=OverrideForm(findings=page.error_findings),
                **self.references_page(request, article),
                provenance=latest_provenance(article=article),
                **self.comments_page(request, article),
                may_record_provenance=perms.can_record_provenance(request.user, article),
                provenance_missing=workflow.provenance_missing(article),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def comments_page(self, request, article: Article) -> dict:
        """The comments panel: threads on the current revision and, for the author, what waits for them."""
        comments = comment_reads.comments_on_current(article=article, viewer=request.user)
        waiting = []
        if comments is not None and perms.is_author(request.user, article):
            waiting = comment_reads.unresolved_after_changes_requested(article=article, viewer=request.user)
        return {
            "comments": comments,
            "comments_waiting": waiting,
            "comment_base": reverse("reviews:article-comment-start", args=[article.pk]),
        }

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
        elif not (form := StepForm(request.POST)).is_valid():
            messages.error(request, " ".join(form.errors["reason"]))
        else:
            try:  # a blank reason goes to the workflow, which names it
                workflow.TRANSITIONS[name](article=article, actor=request.user, reason=form.cleaned_data["reason"])
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
            "revisions": masking_for(user=request.user, article=article).label_revisions(
                list(revisions_for_article(article=article))
            ),
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
        masking_for(user=request.user, article=article).label_revisions([old_rev, new_rev])
        diff, changes = revision_diff(old=old_rev, new=new_rev), paragraph_diff(old_rev.body, new_rev.body)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "diff": diff,
            "changes": changes,
            "summary": change_summary(diff=diff, changes=changes, new_body=new_rev.body),
            "view": self._compare_view_mode(request, new_rev.body),
            "old": old_rev,
            "new": new_rev,
            "title": f"Compare revisions {old} and {new}",
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def _compare_view_mode(self, request, body: str) -> str:
        """``changed`` or ``whole`` as asked; unasked, a long body opens on its changed paragraphs only."""
        form = CompareViewForm(request.GET)
        if not form.is_valid():
            messages.error(request, f"Unknown view: {form.errors['view'][0]} Showing the default.")
        chosen = form.cleaned_data.get("view") if form.is_valid() else ""
        return chosen or ("changed" if len(paragraphs(body)) > LONG_BODY_PARAGRAPHS else "whole")
