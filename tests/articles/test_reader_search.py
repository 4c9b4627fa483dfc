"""Search over live publications, and the topic and home pages."""

import pytest
from django.db import connection

from articles import search
from articles.models import Article
from articles.revisions import Content
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_publication, make_topic, make_user

S = Article.Status


@pytest.fixture
def library(db):
    title_hit = make_article(status=S.APPROVED, title="Dexamethasone dosing in cord compression",
                             body="Steroids are given early [1].")  # fmt: skip
    body_hit = make_article(status=S.APPROVED, title="Radiotherapy first",
                            body="Most patients get radiotherapy; dexamethasone is usually added [1].")  # fmt: skip
    unpublished = make_article(status=S.APPROVED, title="Dexamethasone side effects", body="Unpublished [1].")
    superseded = make_article(status=S.APPROVED, title="Bone marrow oedema", body="Old text on dexamethasone [1].")
    make_publication(article=title_hit)
    make_publication(article=body_hit)
    make_publication(article=superseded)
    workflow.edit(article=superseded, actor=make_user("search-editor", roles=["editor"]), reason="rewrite",
                  content=Content(title="Bone marrow oedema", body="New text, nothing about steroids [1].",
                                  references=[superseded.live_publication.references[0]]))  # fmt: skip
    superseded.refresh_from_db()
    make_publication(article=superseded)
    return {"title": title_hit, "body": body_hit, "unpublished": unpublished, "superseded": superseded}


def test_search_finds_live_publications_ranked_title_first(library):
    hits = search.publications_search(query="dexamethasone")
    assert [h.slug for h in hits] == [library["title"].slug, library["body"].slug]


def test_search_snippets_highlight_the_words_and_escape_the_rest(db):
    article = make_article(status=S.APPROVED, title="Cord compression",
                           body="When x < 5 mg <b>dexamethasone</b> is given, pain eases [1].")  # fmt: skip
    make_publication(article=article)
    (hit,) = search.publications_search(query="dexamethasone")
    assert "<mark>dexamethasone</mark>" in hit.snippet.lower()
    assert "<b>" not in hit.snippet


def test_search_uses_english_stemming_on_postgresql(library):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is a PostgreSQL full-text feature")
    assert [h.slug for h in search.publications_search(query="radiotherapies")] == [library["body"].slug]


def test_fallback_matches_every_word_case_insensitively(library):
    hits = search._fallback("DEXAMETHASONE usually")
    assert [h.slug for h in hits] == [library["body"].slug]
    assert "<mark>dexamethasone</mark>" in hits[0].snippet


def test_blank_and_odd_queries_find_nothing_and_never_fail(client, library):
    assert search.publications_search(query="   ") == []
    for query in ["'", "&", "!!!", "a" * 5000, "dexamethasone & | !(", "<script>"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_control_characters_in_the_query_are_dropped_and_never_fail(client, library):
    for query in ["\x00", "dexa\x00methasone", "\x00dexamethasone\x1f", "\x7f\x85", "\t\r\n"]:
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        assert "\x00" not in response.content.decode()
    assert search.query_text("\x00dexamethasone\x00 \x01cord\x9f") == "dexamethasone cord"
    hits = search.publications_search(query="\x00dexamethasone\x00")
    assert {h.slug for h in hits} == {library["title"].slug, library["body"].slug}


def test_search_page_lists_results_with_snippets(client, library):
    response = client.get("/search/", {"q": "dexamethasone"})
    html = response.content.decode()
    assert "2 results for “dexamethasone”" in html
    assert f'href="/articles/{library["title"].slug}/"' in html and "<mark>" in html
    assert '<meta name="robots" content="noindex">' in html


def test_search_page_costs_fixed_queries(client, library, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get("/search/", {"q": "dexamethasone"})


def test_topic_page_lists_live_articles_only(client, library, django_assert_max_num_queries):
    topic = library["title"].topic
    with django_assert_max_num_queries(2):
        response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert library["title"].live_publication.title in html and library["body"].live_publication.title in html
    assert library["unpublished"].title not in html


def test_topic_index_and_home(client, library, django_assert_max_num_queries):
    make_topic("Cardiology")  # no live articles: not listed
    html = client.get("/topics/").content.decode()
    assert "Oncology" in html and "Cardiology" not in html
    with django_assert_max_num_queries(3):
        home = client.get("/").content.decode()
    assert "Recently published" in home and "Recently reviewed" in home
    assert library["title"].live_publication.title in home
    assert library["unpublished"].title not in home


def test_home_and_topic_cards_do_not_load_the_publications_html_or_references(
    client, library, django_assert_max_num_queries
):
    pages = {"/": 3, library["title"].topic.get_absolute_url(): 2, "/sitemap-articles.xml": 4}
    for url, most in pages.items():
        with django_assert_max_num_queries(most) as queries:
            assert client.get(url).status_code == 200
        read = " ".join(q["sql"] for q in queries.captured_queries if "articles_publication" in q["sql"])
        assert read and "rendered_html" not in read and '"references"' not in read


def test_home_skips_credit_dates_it_cannot_read(client, db):
    article = make_article(status=S.APPROVED, title="Odd credits")
    odd = [{"display": "A", "reviewed_at": "2026-13-45T99:00"}, {"display": "B", "approved_at": "soon"}, "x"]
    make_publication(article=article, credits=odd)
    response = client.get("/")
    assert response.status_code == 200 and "Odd credits" in response.content.decode()


def test_home_lists_provisional_pages_as_pending_not_reviewed(client, db):
    article = make_article(status=S.SUBMITTED, title="Provisional piece")
    make_publication(article=article, provisional=True, credits=[], published_by=make_user("prov-editor"))
    html = client.get("/").content.decode()
    recent, reviewed = html.split("Recently reviewed", 1)
    assert "Provisional piece" in recent and "Pending review" in recent
    assert "Provisional piece" not in reviewed
