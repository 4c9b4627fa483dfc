"""The change page costs the same whatever the number of references: long lists are shown as
paged read-only rows with an edit page per reference; short lists open each row to edit."""

import time

import pytest
from django.urls import reverse

from articles.models import Reference
from reviews.admin.references import INLINE_REFERENCE_LIMIT
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    client.force_login(make_user("refs-editor", roles=["editor"]))
    return client


def _with_references(article, count: int):
    """Test data only: many references straight into the table (the import path is tested elsewhere)."""
    Reference.objects.filter(article=article).delete()
    Reference.objects.bulk_create(
        Reference(article=article, number=n, kind="cohort", authors=f"Author{n} A", title=f"Cohort study {n}",
                  source="J Test", year=2020, raw=f"Author{n} A. Cohort study {n}. J Test. 2020.")
        for n in range(1, count + 1)
    )  # fmt: skip
    return article


def _queries_for(client, article, django_assert_max_num_queries, budget: int):
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_change_page_of_10000_references_keeps_its_query_count_and_time(desk, django_assert_max_num_queries):
    small = _with_references(make_article(), INLINE_REFERENCE_LIMIT + 1)
    large = _with_references(make_article(), 10_000)
    small_count, _ = _queries_for(desk, small, django_assert_max_num_queries, 60)
    started = time.monotonic()
    large_count, page = _queries_for(desk, large, django_assert_max_num_queries, small_count)
    assert time.monotonic() - started < 5
    assert large_count <= small_count
    assert "References (10000): page 1 of 100" in page
    assert page.count('class="ref-text"') == 100
    assert reverse("admin:articles_article_reference", args=[large.pk, 100]) in page
    assert "references-TOTAL_FORMS" not in page


def test_short_lists_open_each_reference_to_edit(desk):
    article = make_article()
    page = desk.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    # One row per reference, and the blank row the admin copies for "add another".
    assert page.count('<details class="reference-row"') == article.references.count() + 1
    assert "references-TOTAL_FORMS" in page


def _article_form(article):
    return {
        "title": article.title, "summary": article.summary, "body": article.body + "\nOne more sentence.",
        "topic": article.topic_id, "audience": article.audience, "variant_of": "", "next_review_due": "",
        "change_reason": "Added a sentence", "expected_revision": article.revision, "expected_version": article.version,
    }  # fmt: skip


def test_saving_a_long_article_keeps_its_references(desk):
    article = _with_references(make_article(), INLINE_REFERENCE_LIMIT + 5)
    response = desk.post(reverse("admin:articles_article_change", args=[article.pk]), _article_form(article))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.revision == 2
    assert article.references.count() == INLINE_REFERENCE_LIMIT + 5
    assert "One more sentence." in article.body


def test_one_reference_is_edited_on_its_own_page_as_a_new_revision(desk):
    article = _with_references(make_article(), INLINE_REFERENCE_LIMIT + 5)
    url = reverse("admin:articles_article_reference", args=[article.pk, 7])
    assert desk.get(url).status_code == 200
    ref = article.references.get(number=7)
    data = {name: getattr(ref, name) or "" for name in ("kind", "authors", "source", "year", "details", "doi",
                                                        "pmid", "pmcid", "isbn", "issn", "url", "raw")}  # fmt: skip
    data.update(title="Cohort study seven, corrected", change_reason="Title corrected", expected_revision=1)
    response = desk.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.revision == 2
    assert article.references.get(number=7).title == "Cohort study seven, corrected"
    assert article.references.get(number=8).title == "Cohort study 8"
    assert article.references.count() == INLINE_REFERENCE_LIMIT + 5


def test_a_reference_edit_from_an_old_revision_is_refused(desk):
    article = _with_references(make_article(), INLINE_REFERENCE_LIMIT + 1)
    ref = article.references.get(number=3)
    url = reverse("admin:articles_article_reference", args=[article.pk, 3])
    data = {"kind": ref.kind, "title": "Changed", "raw": ref.raw, "change_reason": "x", "expected_revision": 0}
    response = desk.post(url, data)
    assert response.status_code == 200
    assert "you started from revision 0" in response.content.decode()
    assert article.references.get(number=3).title == "Cohort study 3"


def test_authors_get_404_for_another_authors_reference_page(client):
    article = _with_references(make_article(), 3)
    client.force_login(make_user("someone-else", roles=["author"], is_staff=True))
    assert client.get(reverse("admin:articles_article_reference", args=[article.pk, 1])).status_code == 404
