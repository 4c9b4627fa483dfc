"""Email templates in the admin: editors-in-chief edit them (checked before saving), everyone on the
desk sees the versions, and a preview renders the saved version with a real article."""

from django import forms
from django.contrib import admin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article
from reviews import permissions as perms
from reviews.assignments import labels
from reviews.mail.models import TEMPLATE_VARIABLES, EmailTemplate
from reviews.mail.templates import email_render, template_problems
from reviews.models import TransitionLog


class EmailTemplateForm(forms.ModelForm):
    class Meta:
        model = EmailTemplate
        fields = ("key", "subject", "body")
        help_texts = {
            "key": "Variables each email may use: "
            + "; ".join(f"{k.rsplit('/', 1)[-1]}: {', '.join(v)}" for k, v in TEMPLATE_VARIABLES.items())
        }

    def clean(self):
        data = super().clean()
        key = data.get("key") or getattr(self.instance, "key", "")
        for name in ("subject", "body"):
            for problem in template_problems(key=key, text=data.get(name) or ""):
                self.add_error(name, problem)
        return data


def preview_context(*, template: str, article: Article) -> dict:
    """The context a notification of ``template`` would get, built from a real article."""
    log = article.transitions.select_related("actor").first() or TransitionLog(
        article=article, revision=article.revision, transition="submit", from_status="draft",
        to_status=article.status, reason="(preview)",
    )  # fmt: skip
    assignment = article.assignments.select_related("reviewer__user", "assigned_by").first()
    reviews = list(article.reviews.select_related("reviewer")[:5])
    finding = {"reference": 1, "rule": "reference-retracted", "message": "(preview) a cited work was retracted"}
    round_label = labels.round_label(assignment=assignment) if assignment else labels.NEW_ARTICLE
    return {"article": article, "log": log, "assignment": assignment, "reviews": reviews, "finding": finding,
            "round_label": round_label}  # fmt: skip


@admin.register(EmailTemplate)
class EmailTemplateAdmin(SimpleHistoryAdmin):
    form = EmailTemplateForm
    list_display = ("key", "subject", "updated_at", "preview")

    def _desk(self, request) -> bool:
        return request.user.is_active and request.user.is_staff and perms.is_editor(request.user)

    def has_module_permission(self, request):
        return self._desk(request)

    def has_view_permission(self, request, obj=None):
        return self._desk(request)

    def has_add_permission(self, request):
        return self._desk(request) and perms.is_editor_in_chief(request.user)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request)  # deleting restores the file default; the history stays

    @admin.display(description="preview")
    def preview(self, obj) -> str:
        return format_html('<a href="{}">preview</a>', reverse("admin:reviews_emailtemplate_preview", args=[obj.pk]))

    def get_urls(self):
        view = self.admin_site.admin_view(self.preview_view)
        return [path("<int:pk>/preview/", view, name="reviews_emailtemplate_preview"), *super().get_urls()]

    def preview_view(self, request, pk: int):
        """The saved version rendered with a real article (``?article=<id>``, else the latest), as text."""
        if not self.has_view_permission(request):
            raise Http404
        template = get_object_or_404(EmailTemplate, pk=pk)
        wanted = request.GET.get("article", "")
        articles = Article.objects.order_by("-updated_at", "-pk")
        article = articles.filter(pk=int(wanted)).first() if wanted.isascii() and wanted.isdigit() else articles.first()
        if article is None:
            return HttpResponse("There is no article to preview with yet.", content_type="text/plain; charset=utf-8")
        context = preview_context(template=template.key, article=article)
        context["site_url"] = request.build_absolute_uri("/").rstrip("/")
        rendered = email_render(template=template.key, context=context)
        text = f"Subject: {rendered.subject}\n\n{rendered.body}\n"
        return HttpResponse(text, content_type="text/plain; charset=utf-8")
