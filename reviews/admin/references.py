"""The references of the article change page: compact rows that open to edit, and for long lists
read-only pages of rows with an edit page per reference, so the change page costs the same
whatever the number of references."""

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.forms.models import BaseInlineFormSet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from articles.models import Article, Reference
from articles.revisions import Content
from articles.validation.references import REFERENCE_FIELDS
from reviews import permissions as perms
from reviews.exceptions import WorkflowError
from reviews.workflow import transitions as workflow

# Up to this many references are edited in the change form itself; above, read-only rows are paged.
INLINE_REFERENCE_LIMIT = 100
REFERENCES_PER_PAGE = 100
METADATA = ("topic", "audience", "variant_of", "next_review_due")


REFERENCE_FORMS_MAX = 500  # references edited in one save of the change form


class BoundedReferenceFormSet(BaseInlineFormSet):
    """A post claiming more forms than ``absolute_max`` is refused before any form is built."""

    def total_form_count(self):
        if self.is_bound:  # (the unbound management form asks this method)
            form = self.management_form
            if form.is_valid() and form.cleaned_data["TOTAL_FORMS"] > self.absolute_max:
                return 0  # full_clean reports "Please submit at most … forms"
        return super().total_form_count()


class ReferenceInline(admin.StackedInline):
    model = Reference
    formset = BoundedReferenceFormSet
    extra = 0
    max_num = REFERENCE_FORMS_MAX
    validate_max = True
    template = "admin/articles/article/references_inline.html"
    fields = (("number", "kind", "year"), "authors", "title", "source", "details",
              ("doi", "pmid", "pmcid"), ("isbn", "issn"), "url", "raw", "validation_findings")  # fmt: skip
    readonly_fields = ("validation_findings",)
    findings: dict[int, list[dict]] = {}

    def get_formset(self, request, obj=None, **kwargs):
        page = getattr(request, "_desk_page", None)
        self.findings = page.findings_by_reference if page else {}
        return super().get_formset(request, obj, absolute_max=REFERENCE_FORMS_MAX, **kwargs)

    @admin.display(description="Findings on the current revision")
    def validation_findings(self, obj):
        found = self.findings.get(obj.number, []) if obj and obj.pk else []
        if not found:
            return "None"
        return format_html_join(
            "", '<div class="finding finding-{}"><strong>{}</strong> {}: {}</div>',
            ((f["severity"], f["severity"], f["rule"], f["message"]) for f in found),
        )  # fmt: skip


def references_from(formsets, *, article: Article | None) -> list[dict]:
    """The references a save carries: the inline's rows, or (when the page showed them read-only)
    the article's current references unchanged."""
    inline = [formset for formset in formsets if formset.model is Reference]
    if not inline:
        return current_references(article=article) if article is not None else []
    refs = []
    for form in inline[0].forms:
        data = getattr(form, "cleaned_data", None)
        if data and not data.get("DELETE"):
            refs.append({name: data.get(name) for name in REFERENCE_FIELDS})
    return refs


def current_references(*, article: Article) -> list[dict]:
    return list(Reference.objects.filter(article=article).order_by("number").values(*REFERENCE_FIELDS))


class ReferenceForm(forms.ModelForm):
    change_reason = forms.CharField(label="Reason for this change", max_length=500)
    expected_revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Reference
        fields = [name for name in REFERENCE_FIELDS if name != "number"]


class ReferencesMixin:
    """Long reference lists: paged read-only rows on the change page, one edit page per reference."""

    def get_inlines(self, request, obj):
        return [] if obj is not None and _reference_count(obj) > INLINE_REFERENCE_LIMIT else self.inlines

    def reference_urls(self):
        view = self.admin_site.admin_view(self.reference_edit_view)
        return [path("<int:object_id>/references/<int:number>/", view, name="articles_article_reference")]

    def references_page(self, request, article: Article) -> dict:
        """The change page's read-only rows (only when the inline is not shown)."""
        if _reference_count(article) <= INLINE_REFERENCE_LIMIT:
            return {}
        shown = ("number", "kind", "authors", "title", "source", "year", "doi", "pmid")
        refs = Reference.objects.filter(article=article).order_by("number").only(*shown)
        page = Paginator(refs, REFERENCES_PER_PAGE).get_page(request.GET.get("refs_page"))
        desk = getattr(request, "_desk_page", None)
        findings = desk.findings_by_reference if desk else {}
        return {
            "reference_page": page,
            "reference_rows": [(ref, findings.get(ref.number, [])) for ref in page],
            "reference_total": article.reference_count,
            "may_edit_content": perms.can_edit_content(request.user, article),
        }

    def reference_edit_view(self, request, object_id, number):
        article = self._article_or_404(request, object_id)
        reference = Reference.objects.filter(article=article, number=number).first()
        if reference is None or not perms.can_edit_content(request.user, article):
            messages.error(request, f"Reference {number} cannot be edited here now.")
            return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        initial = {"expected_revision": article.revision}
        form = ReferenceForm(request.POST or None, instance=reference, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                self._save_reference(request, article, number, form.cleaned_data)
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Reference {number} saved as a new revision.")
                return redirect(reverse("admin:articles_article_change", args=[article.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.opts, "article": article, "form": form,
                   "number": number, "title": f"Reference {number} of “{article.title}”"}  # fmt: skip
        return TemplateResponse(request, "admin/articles/article/reference_edit.html", context)

    def _save_reference(self, request, article: Article, number: int, data: dict) -> None:
        refs = current_references(article=article)
        for ref in refs:
            if ref["number"] == number:
                ref.update({name: data.get(name) for name in REFERENCE_FIELDS if name != "number"})
        content = Content(title=article.title, summary=article.summary, body=article.body, references=refs)
        workflow.article_edit(
            article=article, actor=request.user, content=content,
            metadata={name: getattr(article, name) for name in METADATA}, reason=data["change_reason"],
            expected_revision=data["expected_revision"],
        )  # fmt: skip


def _reference_count(article: Article) -> int:
    if getattr(article, "reference_count", None) is None:
        article.reference_count = article.references.count()
    return article.reference_count
