"""The change page's body editor: body line numbers in a gutter, findings beside their lines, and a
preview rendered by the reader's sanitising renderer, by script or by the `_preview` button, never saved."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.validation.reports import report_create
from reviews.admin.editor import PREVIEW_ONLY, body_lines
from tests.factories import make_article, make_user
from tests.reviews.test_admin import _form_data

pytestmark = pytest.mark.django_db

BODY = (
    "Radiotherapy is the usual first treatment [1].\n"
    "\n"
    "Surgery helps selected patients walk again [1, 3].\n"
    "\n"
    "<script>alert(1)</script> and **steroids** first.\n"
)


@pytest.fixture
def article_with_finding():
    article = make_article(body=BODY)
    report_create(revision=article.revisions.get(number=1))  # what the worker does after the commit
    return article


def _change(client, article):
    return client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()


def test_body_lines_count_as_findings_do():
    assert body_lines("") == 1 and body_lines("a\nb") == 2 and body_lines("a\r\nb\n") == 3


def test_the_gutter_numbers_body_lines_and_marks_the_findings_line(client, editor, article_with_finding):
    article = article_with_finding
    findings = article.revisions.get(number=1).reports.get().findings
    finding = next(f for f in findings if f["rule"] == "citation-missing-reference")
    assert finding["line"] == 3
    client.force_login(editor)
    page = _change(client, article)
    assert "data-body-gutter" in page and 'wrap="off"' in page
    assert all(f'id="body-line-{n}"' in page for n in range(1, 7)) and 'id="body-line-7"' not in page
    assert '<span id="body-line-3" class="has-finding finding-error" title="error: ' in page
    # The findings list links each finding to its line.
    assert '<a href="#body-line-3" data-body-line="3">body line 3</a>: error, citation-missing-reference' in page
    assert "js/body-editor.js" in page and "css/admin-editor.css" in page


def test_the_preview_renders_sanitised_html_and_saves_nothing(client, editor, article_with_finding):
    article = article_with_finding
    client.force_login(editor)
    url = reverse("admin:articles_article_preview", args=[article.pk])
    assert client.get(url).status_code == 405
    before = (article.revision, article.version, article.history.count())
    response = client.post(url, {"title": "New title", "summary": "In short.", "body": BODY + "\nA new line [2]."})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="body-preview"' in html
    assert "<strong>steroids</strong>" in html and "<script>" not in html  # raw HTML is never rendered
    # A saved reference is linked; a marker citing nothing is shown as such.
    assert '<a href="#ref-2" id="cite-2-1" class="cite" rel="noopener noreferrer">2</a>' in html
    assert '<span class="cite-missing">3</span>' in html
    assert "New title" in html and "Preview: not saved" in html
    article.refresh_from_db()
    assert (article.revision, article.version, article.history.count()) == before
    assert Article.objects.get(pk=article.pk).body == BODY


def test_a_preview_of_a_new_article_needs_the_add_permission(client, editor, db):
    reader = make_user("plain-reader")
    url = reverse("admin:articles_article_preview_new")
    client.force_login(editor)
    assert "<em>first</em>" in client.post(url, {"body": "The *first* line."}).content.decode()
    client.force_login(reader)
    assert client.post(url, {"body": "x"}).status_code in (302, 403)  # not staff: the admin's login


def test_a_preview_needs_the_permission_to_change_that_article(client, author, article_with_finding):
    author.is_staff = True  # authors use the admin for their own drafts
    author.save(update_fields=["is_staff"])
    draft = make_article(author=author)
    submitted = make_article(author=author, status=Article.Status.SUBMITTED)
    client.force_login(author)
    preview = "admin:articles_article_preview"
    assert client.post(reverse(preview, args=[draft.pk]), {"body": "Mine *now*."}).status_code == 200
    # Someone else's article is not in the author's list; their own submitted one is read-only.
    assert client.post(reverse(preview, args=[article_with_finding.pk]), {"body": "x"}).status_code == 404
    assert client.post(reverse(preview, args=[submitted.pk]), {"body": "x"}).status_code == 403


def test_bad_preview_input_is_a_clear_400(client, editor, article_with_finding):
    client.force_login(editor)
    url = reverse("admin:articles_article_preview", args=[article_with_finding.pk])
    response = client.post(url, {"title": "x" * 301, "body": "fine"})
    assert response.status_code == 400
    assert "Ensure this value has at most 300 characters" in response.content.decode()


def test_the_preview_button_without_script_shows_the_preview_and_saves_nothing(client, editor, article_with_finding):
    article = article_with_finding
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = _form_data(article, body=BODY + "\nAn *unsaved* sentence.", change_reason="", _preview="1")
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert PREVIEW_ONLY in page and "This field is required" not in page
    assert "An <em>unsaved</em> sentence." in page  # the preview, rendered
    assert "An *unsaved* sentence." in page  # and the text, still in the editor
    article.refresh_from_db()
    assert article.revision == 1 and article.body == BODY
