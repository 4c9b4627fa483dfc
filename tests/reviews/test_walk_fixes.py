"""What people read on the desk pages: dates as dates, names as text, verbose names spelt right."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ValidationReport
from articles.validation import reports
from reviews.models import TransitionLog
from reviews.publishing import services as publishing
from reviews.workflow.review_due import review_due_change
from tests.factories import make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _staff_author(name="ada"):
    author = make_user(name, roles=["author"])
    author.is_staff = True
    author.save(update_fields=["is_staff"])
    return author


def test_change_page_shows_the_report_time_and_the_due_date_as_dates(client, editor):
    article = make_article()
    report = reports.report_create(revision=article.revisions.get(number=article.revision))
    ValidationReport.objects.filter(pk=report.pk).update(created_at=datetime(2026, 12, 2, 13, 46, tzinfo=LONDON))
    make_assignment(article=article, reviewer=make_reviewer("dr-due"), assigned_by=editor,
                    due_at=datetime(2026, 12, 16, 9, 0, tzinfo=LONDON))  # fmt: skip
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "checked 2 Dec 2026, 13:46.</p>" in html
    assert "p.m.." not in html
    assert "<td>16 Dec 2026, 09:00</td>" in html
    assert "2026-12-16" not in html


def test_admin_index_spells_api_tokens(client, editor):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert ">API tokens<" in html and "Api tokens" not in html


def test_history_names_people_as_text_and_reads_changes_in_words(client, editor):
    author = _staff_author()
    article = make_article(author=author)
    review_due_change(article=article, actor=editor, due=date(2027, 12, 2), reason="Yearly check")
    for user in (author, editor):
        client.force_login(user)
        response = client.get(reverse("admin:articles_article_history", args=[article.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "/admin/auth/user/" not in html  # that page answers 403 to authors and editors
        assert "<td>editor</td>" in html
        assert "change review due: none → 2 Dec 2027: Yearly check" in html and "change_review_due" not in html
        assert "—\n" in html and "2 Dec 2027" in html  # next review due: none → the date
        assert "2027-12-02" not in html and ">None<" not in html


def test_a_past_version_shows_its_time_and_dates_as_dates(client, editor):
    article = make_article()
    review_due_change(article=article, actor=editor, due=date(2027, 12, 2), reason="Yearly check")
    version = article.history.order_by("-history_date").first()
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_simple_history", args=[article.pk, version.pk])).content.decode()
    assert "2 Dec 2027" in html and "2027-12-02" not in html
    shown = version.history_date.astimezone(LONDON)
    assert f"{shown:%-d %b %Y, %H:%M}" in html and f"{shown:%Y-%m-%d}" not in html


def _history_queries(client, article) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:articles_article_history", args=[article.pk])).status_code == 200
    return len(queries)


def test_history_page_queries_do_not_grow_with_changes(client, editor):
    article = make_article()
    review_due_change(article=article, actor=editor, due=date(2027, 12, 1), reason="Check 1")
    client.force_login(editor)
    few = _history_queries(client, article)
    for day in range(2, 8):
        review_due_change(article=article, actor=editor, due=date(2027, 12, day), reason=f"Check {day}")
    assert _history_queries(client, article) <= few


def test_change_page_and_audit_log_show_dates_inside_reasons_as_dates(client, editor):
    article = make_article()
    review_due_change(article=article, actor=editor, due=date(2027, 12, 2), reason="Yearly check")
    client.force_login(editor)
    for url in (reverse("admin:articles_article_change", args=[article.pk]), reverse("admin:articles_article_audit")):
        html = client.get(url).content.decode()
        assert "none → 2 Dec 2027: Yearly check" in html
        assert "2027-12-02" not in html.replace('value="2027-12-02"', "")  # the date input keeps its ISO value


def test_dates_in_words_leaves_what_is_not_a_date():
    from articles.templatetags.people import dates_in_words

    assert dates_in_words("due on 2026-11-29, ref 2027-13-40") == "due on 29 Nov 2026, ref 2027-13-40"
    assert dates_in_words(None) == ""


def test_read_only_records_name_people_as_text_not_as_links_to_the_user_admin(client, editor):
    article = make_article(status=Article.Status.APPROVED)
    publication = publishing.publish(article=article, actor=editor, reason="live")
    log = TransitionLog.objects.filter(article=article).first()
    client.force_login(editor)
    for url in (reverse("admin:articles_publication_change", args=[publication.pk]),
                reverse("admin:reviews_transitionlog_change", args=[log.pk])):  # fmt: skip
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "/admin/auth/user/" not in html
        assert f">{editor}</div>" in html or f"<p>{editor}</p>" in html


def test_view_on_site_is_offered_only_for_an_article_on_the_public_site(client, editor):
    draft = make_article(title="Not public yet")
    live = make_article(status=Article.Status.APPROVED, title="On the site")
    publishing.publish(article=live, actor=editor, reason="live")
    client.force_login(editor)
    draft_page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    live_page = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    assert "viewsitelink" not in draft_page
    assert 'class="viewsitelink"' in live_page
    assert client.get(live.get_absolute_url()).status_code == 200
