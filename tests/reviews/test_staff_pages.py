"""The staff side as people use it: a desk whose counts and rows lead somewhere, dates a date
input accepts, tools only for those who may use them, and styled error pages."""

import re
from datetime import timedelta
from urllib.parse import urljoin, urlsplit

import pytest
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews.admin.forms import DEFAULT_REVIEW_DAYS
from tests.factories import make_article, make_assignment, make_reviewer, make_user

S = Article.Status
CHANGELIST = "/admin/articles/article/"
pytestmark = pytest.mark.django_db


def test_every_desk_count_links_to_the_filtered_list(client, editor, author):
    waiting = make_article(author=author, status=S.SUBMITTED, title="Nobody has it yet")
    ready = make_article(author=author, status=S.APPROVED, title="Approved and waiting")
    late = make_article(author=author, status=S.UNDER_REVIEW, title="Late one")
    make_assignment(article=late, reviewer=make_reviewer("slowpoke"), due_at=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    html = client.get("/review/desk/").content.decode()
    for value, _label in Article.Status.choices:
        assert f'href="{CHANGELIST}?status__exact={value}"' in html
    for query in ("?overdue=yes", "?desk=waiting", "?desk=ready", "?rereview=due"):
        assert f'href="{CHANGELIST}{query}"' in html
    assert f'href="{reverse("reviews:desk-assign", args=[waiting.pk])}">Assign reviewers' in html
    assert f'{reverse("admin:articles_article_change", args=[ready.pk])}#publishing-heading">Publish' in html
    assert ">Chase</a>" in html and "Late one</a> · under review · revision 1" in html
    listed = lambda q: set(client.get(CHANGELIST + q).context["cl"].result_list)  # noqa: E731
    assert waiting in listed("?desk=waiting") and ready not in listed("?desk=waiting")
    assert listed("?desk=ready") == {ready}


def test_the_assign_forms_default_due_date_is_in_the_date_inputs_format(client, editor, author):
    article = make_article(author=author, status=S.SUBMITTED)
    client.force_login(editor)
    html = client.get(reverse("reviews:desk-assign", args=[article.pk])).content.decode()
    due = (timezone.localdate() + timedelta(days=DEFAULT_REVIEW_DAYS)).isoformat()
    assert re.search(rf'<input type="date" name="due_on" value="{due}"', html), html[html.find("due_on") - 200 :][:400]


def test_the_change_list_names_topic_author_and_validation_and_tells_duplicates_apart(client, editor, author):
    make_article(author=author, title="Same title")
    make_article(author=author, title="Same title")
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert "column-topic" in html and "column-author_name" in html and "column-validation" in html
    slugs = re.findall(r'<small class="article-slug">([^<]+)</small>', html)
    assert len(set(slugs)) == len(slugs) >= 2
    assert "Imprimatur editorial desk" in html and "Django administration" not in html


def _links(html: str, base: str) -> set[str]:
    out = set()
    for href in re.findall(r'href="([^"#]+)', html):
        url = urljoin(base, href.replace("&amp;", "&"))
        if urlsplit(url).netloc in ("", "testserver") and not url.startswith(("mailto:", "/static/")):
            out.add(urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else ""))
    return out


def test_no_page_shown_to_an_author_links_to_a_403(client, editor):
    writer = make_user("crawl-author", roles=["author"], is_staff=True)
    own = make_article(author=writer, title="My own draft")
    submitted = make_article(author=writer, status=S.SUBMITTED, title="My submitted one")
    make_article(title="Somebody else's")
    client.force_login(writer)
    seen, todo, forbidden = set(), ["/admin/", CHANGELIST, f"{CHANGELIST}{own.pk}/change/",
                                    f"{CHANGELIST}{submitted.pk}/change/"], []  # fmt: skip
    while todo and len(seen) < 120:
        url = todo.pop()
        if url in seen or "/logout" in url:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code == 403:
            forbidden.append(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            todo.extend(
                link for link in _links(response.content.decode(), url) if link.startswith(("/admin", "/review"))
            )
    assert not forbidden, forbidden
    assert len(seen) > 10


def test_authors_see_no_desk_dossier_or_audit_buttons(client):
    writer = make_user("button-author", roles=["author"], is_staff=True)
    article = make_article(author=writer)
    client.force_login(writer)
    page = client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    listing = client.get(CHANGELIST).content.decode()
    for html in (page, listing):
        assert "Dossier" not in html and "Audit log" not in html and "Publishing desk" not in html
    assert 'name="action"' not in listing  # no bulk step they would only be refused


def test_a_submitted_article_shows_read_only_to_its_author_with_a_note(client):
    writer = make_user("ro-author", roles=["author"], is_staff=True)
    article = make_article(author=writer, status=S.SUBMITTED)
    client.force_login(writer)
    html = client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    assert 'id="readonly-note"' in html and "is submitted and cannot be edited now" in html
    assert 'name="body"' not in html


def test_submit_warns_and_says_which_errors(client, editor):
    from articles.validation.reports import report_create

    writer = make_user("warned-author", roles=["author"], is_staff=True)
    article = make_article(author=writer, body="Surgery helps [7].\n")
    report_create(revision=article.revisions.get(number=1))
    client.force_login(writer)
    html = client.get(f"{CHANGELIST}{article.pk}/change/").content.decode()
    warning = html[html.index('id="submit-warning"') :][:1500]
    assert "has 1 error" in warning and "citation-missing-reference" in warning and "body line 1" in warning


def test_error_pages_are_styled_and_the_500_page_needs_no_request(client, author):
    html = get_template("500.html").render({})
    assert "Something went wrong" in html and "/static/css/site.css" in html
    engines["django"].from_string("{% include '500.html' %}").render({})
    client.force_login(author)
    response = client.get("/review/desk/")
    assert response.status_code == 403 and "This page is not open to you" in response.content.decode()


def test_messages_name_states_as_people_say_them(client, editor, author):
    article = make_article(author=author, status=S.CHANGES_REQUESTED)
    client.force_login(editor)
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "approve"]),
                           {"reason": "x"}, follow=True)  # fmt: skip
    text = response.content.decode()
    assert "“changes requested”" in text and "changes_requested" not in text.split("<body", 1)[1].split("<form")[0]


def test_audit_filter_finds_an_article_by_title_words(client, editor, author):
    article = make_article(author=author, title="Findable by its words")
    make_article(author=author, title="Another one entirely")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_audit"), {"article": "findable by"})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["article"] == article.pk
    vague = client.get(reverse("admin:articles_article_audit"), {"article": "o"})
    assert "names more than one article" in vague.content.decode()
