"""The change page's body editor: a textarea with a gutter of body line numbers (the numbering the
findings use), markers and a list for the findings on those lines, and a preview rendered on the
server by the reader's sanitising renderer, without saving.

The preview works two ways: the page's script posts the text to ``preview_view`` and shows the
answer in the preview panel; without the script, the same button submits the change form with
``_preview``, which the form refuses to save (a form error says so) and the page shows the preview.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles.models import Article, Reference
from articles.rendering import render_body

PREVIEW_FIELD = "_preview"
PREVIEW_ONLY = "Preview only: nothing was saved. The preview of your text is below the body; press Save to keep it."


def body_lines(text: str) -> int:
    """How many body lines ``text`` has, counted as the findings count them (1-based, "\\n" separated)."""
    return (text or "").replace("\r\n", "\n").count("\n") + 1


class BodyEditor(forms.Textarea):
    """A textarea that does not wrap (one row is one body line) beside a gutter of line numbers.

    ``findings`` are the saved revision's report findings; those with a line mark it in the gutter
    and are listed with a link to it. ``preview_url`` is where the script posts the text;
    ``preview_html`` a preview already rendered (the no-script path)."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 30, "cols": 100, "wrap": "off", "spellcheck": "true", **(attrs or {})})
        self.findings: list[dict] = []
        self.preview_url = ""
        self.preview_html = ""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "class": "body-editor-text", "data-body-text": ""}
        textarea = super().render(name, value, attrs, renderer)
        marks = _findings_by_line(self.findings)
        count = max(body_lines(value or ""), max(marks, default=0))
        gutter = format_html_join("", "{}", ((_gutter_line(n, marks.get(n, [])),) for n in range(1, count + 1)))
        return render_to_string(
            "admin/articles/article/_body_editor.html",
            {
                "gutter": gutter, "textarea": textarea, "findings": _listed(marks),
                "preview_url": self.preview_url, "preview_html": self.preview_html, "textarea_id": attrs.get("id", ""),
            },
        )  # fmt: skip


def _findings_by_line(findings: list[dict]) -> dict[int, list[dict]]:
    by_line: dict[int, list[dict]] = {}
    for finding in findings:
        if isinstance(finding.get("line"), int) and finding["line"] > 0:
            by_line.setdefault(finding["line"], []).append(finding)
    return by_line


def _gutter_line(number: int, found: list[dict]):
    if not found:
        return format_html('<span id="body-line-{}">{}</span>', number, number)
    worst = "error" if any(f.get("severity") == "error" for f in found) else found[0].get("severity", "info")
    note = "; ".join(f"{f.get('severity')}: {f.get('message')}" for f in found)
    return format_html(
        '<span id="body-line-{}" class="has-finding finding-{}" title="{}">{}</span>', number, worst, note, number
    )


def _listed(marks: dict[int, list[dict]]) -> list[tuple[int, dict]]:
    return [(line, finding) for line in sorted(marks) for finding in marks[line]]


class PreviewForm(forms.Form):
    """What a preview renders: the text being edited, as posted (never saved)."""

    title = forms.CharField(required=False, max_length=300)
    summary = forms.CharField(required=False, max_length=20_000)
    body = forms.CharField(required=False, max_length=500_000, strip=False)


def preview_context(*, data, article: Article | None) -> dict:
    """The preview of posted text as readers would see it: sanitised by ``render_body``, citations
    linked to the article's saved reference numbers. Raises nothing; bad input is reported."""
    form = PreviewForm(data)
    if not form.is_valid():
        return {"preview_errors": [e for errors in form.errors.values() for e in errors]}
    numbers = set(Reference.objects.filter(article=article).values_list("number", flat=True)) if article else set()
    rendered = render_body(body=form.cleaned_data["body"], reference_numbers=numbers)
    return {"preview_title": form.cleaned_data["title"], "preview_summary": form.cleaned_data["summary"],
            "preview_body": rendered.html}  # fmt: skip


class BodyEditorMixin:
    """The preview view and the editor's wiring into the change form (for ``ArticleAdmin``)."""

    def editor_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path("preview/", wrap(self.preview_view), name="articles_article_preview_new"),
            path("<int:object_id>/preview/", wrap(self.preview_view), name="articles_article_preview"),
        ]

    def preview_view(self, request, object_id=None):
        """Render the posted title, summary and body as readers would see them; saves nothing.
        Needs the permission to change this article (or to add one, for a new article)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = None
        if object_id is None:
            if not self.has_add_permission(request):
                raise PermissionDenied
        else:
            article = get_object_or_404(self.get_queryset(request), pk=object_id)
            if not self.has_change_permission(request, article):
                raise PermissionDenied
        context = preview_context(data=request.POST, article=article)
        status = 400 if "preview_errors" in context else 200
        return TemplateResponse(request, "admin/articles/article/_body_preview.html", context, status=status)

    def editor_wire(self, request, form_class, obj) -> None:
        """Give the body editor this article's findings, its preview address, and a no-script preview."""
        field = form_class.base_fields.get("body")  # absent when the page shows the article read-only
        widget = field.widget if field is not None else None
        if not isinstance(widget, BodyEditor):
            return
        page = getattr(request, "_desk_page", None)
        widget.findings = list(page.report.findings) if page is not None and page.report else []
        widget.preview_url = reverse(
            "admin:articles_article_preview" if obj else "admin:articles_article_preview_new",
            args=[obj.pk] if obj else [],
        )
        if request.method == "POST" and PREVIEW_FIELD in request.POST:
            widget.preview_html = render_to_string(
                "admin/articles/article/_body_preview.html", preview_context(data=request.POST, article=obj)
            )
