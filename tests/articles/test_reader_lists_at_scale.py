"""What keeps the reader's lists fast on a large site: search ranks a bounded set of candidates, home's
"recently reviewed" looks at the latest publications and re-reviews, topic counts stop at a limit, and the
sitemap's pages are blocks of ids (at most 50,000 URLs each) whose number the index remembers."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db.models.expressions import RawSQL
from django.utils import timezone

from articles import search, selectors, sitemaps
from articles.models import Article, Publication
from tests.factories import make_article, make_publication, make_topic

S = Article.Status
pytestmark = pytest.mark.django_db


def _credits(day: datetime) -> list[dict]:
    return [{"display": "Jane Doe, MD, Neuroradiology", "reviewed_at": day.isoformat()}]


def test_search_ranks_only_the_newest_matching_publications(monkeypatch):
    older = make_article(status=S.APPROVED, title="Dexamethasone dosing", body="Dexamethasone early [1].")
    newer = make_article(status=S.APPROVED, title="Radiotherapy first", body="Dexamethasone is added [1].")
    make_publication(article=older, published_at=timezone.now() - timedelta(days=2))
    make_publication(article=newer, published_at=timezone.now())
    assert [h.slug for h in search.publications_search(query="dexamethasone")] == [older.slug, newer.slug]
    if search.connection.vendor == "postgresql":  # the bound applies to PostgreSQL's ranked search
        monkeypatch.setattr(search, "MAX_CANDIDATES", 1)
        assert [h.slug for h in search.publications_search(query="dexamethasone")] == [newer.slug]


def test_home_credits_a_recent_re_review_of_an_article_published_long_ago(monkeypatch):
    monkeypatch.setattr(selectors, "REVIEWED_WINDOW", 1)
    now = timezone.now()
    old = make_article(status=S.APPROVED)
    make_publication(article=old, published_at=now - timedelta(days=400), credits=_credits(now - timedelta(days=401)))
    Article.objects.filter(pk=old.pk).update(last_reviewed_at=now - timedelta(hours=1))  # re-reviewed today
    stale = make_article(status=S.APPROVED)
    make_publication(article=stale, published_at=now - timedelta(days=300), credits=_credits(now - timedelta(days=301)))
    Article.objects.filter(pk=stale.pk).update(last_reviewed_at=now - timedelta(days=301))
    latest = make_article(status=S.APPROVED)
    make_publication(article=latest, published_at=now, credits=_credits(datetime(2026, 5, 29, tzinfo=UTC)))
    Article.objects.filter(pk=latest.pk).update(last_reviewed_at=now - timedelta(days=200))
    reviewed = selectors.home_for_readers(limit=2)["reviewed"]
    assert [a.pk for a in reviewed] == [old.pk, latest.pk]  # the window of one publication holds only "latest"


def test_the_sitemap_index_remembers_its_page_counts(client, django_assert_max_num_queries):
    cache.clear()
    make_publication(article=make_article(status=S.APPROVED))
    assert client.get("/sitemap.xml").status_code == 200
    with django_assert_max_num_queries(0):
        again = client.get("/sitemap.xml")
    assert again.status_code == 200 and b"sitemap-articles.xml" in again.content


def test_superseded_versions_take_no_candidates_place(monkeypatch):
    older = make_article(status=S.APPROVED, title="Dexamethasone dosing", body="Dexamethasone early [1].")
    newer = make_article(status=S.APPROVED, title="Radiotherapy first", body="Dexamethasone is added [1].")
    make_publication(article=older, published_at=timezone.now() - timedelta(days=2))
    make_publication(article=newer, published_at=timezone.now() - timedelta(days=1))
    make_publication(article=newer, published_at=timezone.now())  # supersedes the one of yesterday
    if search.connection.vendor == "postgresql":
        monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    assert sorted(h.slug for h in search.publications_search(query="dexamethasone")) == sorted([older.slug, newer.slug])


SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
BASE = "https://imprimatur.example"


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = BASE


def _locs(response, tag: str) -> list[str]:
    assert response.status_code == 200
    return [loc.text for loc in ET.fromstring(response.content).findall(f"sm:{tag}/sm:loc", SITEMAP_NS)]


def _live(n: int, **fields) -> list[Article]:
    articles = [make_article(status=S.APPROVED, **fields) for _ in range(n)]
    for article in articles:
        make_publication(article=article)
    return articles


def test_sitemap_pages_are_blocks_of_ids_that_together_list_every_indexable_article_once(client, monkeypatch, site_url):
    cache.clear()
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 2)
    live = _live(5)
    provisional = make_article(status=S.SUBMITTED)
    make_publication(article=provisional, provisional=True, credits=[])
    make_article(status=S.APPROVED)  # never published: a higher id, no page of its own
    pages = [loc for loc in _locs(client.get("/sitemap.xml"), "sitemap") if "sitemap-articles" in loc]
    highest = max(a.pk for a in [*live, provisional])
    assert len(pages) == -(-highest // 2)  # one page per block of two ids, up to the highest live one
    listed = []
    for page in pages:
        urls = _locs(client.get(page.removeprefix(BASE)), "url")
        assert len(urls) <= 2  # never more than the limit on one page
        listed += urls
    assert sorted(listed) == sorted(f"{BASE}{a.get_absolute_url()}" for a in live)  # each once, none hidden
    assert client.get(f"/sitemap-articles.xml?p={len(pages) + 1}").status_code == 404
    assert client.get("/sitemap-articles.xml?p=two").status_code == 404
    assert sitemaps.ArticleSitemap.limit == 2 and sitemaps._SiteUrlSitemap.limit == 50_000


def test_the_sitemap_index_costs_the_same_queries_at_two_sizes(client, django_assert_num_queries):
    _live(2)
    cache.clear()
    with django_assert_num_queries(2):  # the highest live article id and the highest topic id
        small = client.get("/sitemap.xml")
    _live(6, topic=make_topic("Cardiology"))
    cache.clear()
    with django_assert_num_queries(2):
        large = client.get("/sitemap.xml")
    assert _locs(small, "sitemap") == _locs(large, "sitemap")  # still one page per section


def test_the_topic_sitemap_dates_each_topic_by_its_newest_approved_publication(client, site_url):
    cache.clear()
    now = timezone.now()
    oncology, cardiology = make_topic("Oncology"), make_topic("Cardiology")
    old, new = _live(2, topic=oncology)
    Article.objects.filter(pk=old.pk).update(live_publication=make_publication(article=old, published_at=now))
    make_publication(article=new, published_at=now - timedelta(days=3))
    pending = make_article(status=S.SUBMITTED, topic=cardiology)
    make_publication(article=pending, provisional=True, credits=[])  # only a provisional article: left out
    root = ET.fromstring(client.get("/sitemap-topics.xml").content)
    lastmod = {u.find("sm:loc", SITEMAP_NS).text: u.find("sm:lastmod", SITEMAP_NS).text for u in root}
    assert lastmod == {f"{BASE}{oncology.get_absolute_url()}": now.date().isoformat()}


def test_topic_counts_stop_at_the_limit(client, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(selectors, "TOPIC_COUNT_LIMIT", 2)
    _live(3, topic=make_topic("Oncology"))
    _live(2, topic=make_topic("Cardiology"))
    make_topic("Dermatology")  # no live article: not listed
    with django_assert_num_queries(1):
        topics = {t.name: (t.live_count, t.more_than_shown) for t in selectors.topics_for_readers()}
    assert topics == {"Cardiology": (2, False), "Oncology": (2, True)}
    home = client.get("/").content.decode()
    assert '>Oncology</a> <span class="count">(2+)</span>' in home
    assert '>Cardiology</a> <span class="count">(2)</span>' in home
    assert "2+ articles" in client.get("/topics/").content.decode()


def test_search_finds_only_live_publications_in_one_query_at_two_sizes(django_assert_num_queries):
    taken_down = make_article(status=S.APPROVED, title="Dexamethasone withdrawn", body="Dexamethasone [1].")
    make_publication(article=taken_down)
    Article.objects.filter(pk=taken_down.pk).update(live_publication=None, live_revision=None, live_title="")
    found = make_article(status=S.APPROVED, title="Dexamethasone dosing", body="Dexamethasone early [1].")
    make_publication(article=found)
    with django_assert_num_queries(1):
        assert [h.slug for h in search.publications_search(query="dexamethasone")] == [found.slug]
    for _ in range(5):
        article = make_article(status=S.APPROVED, title="Dexamethasone again", body="Dexamethasone [1].")
        make_publication(article=article)
    with django_assert_num_queries(1):
        assert len(search.publications_search(query="dexamethasone")) == 6


def test_home_ranks_re_reviews_of_one_moment_by_id_in_the_same_queries_at_two_sizes(django_assert_num_queries):
    day = timezone.now() - timedelta(hours=1)
    first = _live(3)
    Article.objects.filter(pk__in=[a.pk for a in first]).update(last_reviewed_at=day)
    with django_assert_num_queries(3):  # recently published, recently reviewed, the topics
        home = selectors.home_for_readers(limit=2)
    assert [a.pk for a in home["reviewed"]] == sorted((a.pk for a in first), reverse=True)[:2]
    _live(6)
    with django_assert_num_queries(3):
        assert len(selectors.home_for_readers(limit=2)["reviewed"]) == 2


@pytest.mark.skipif(search.connection.vendor != "postgresql", reason="the stored search document is PostgreSQL's")
def test_search_past_the_recent_window_asks_the_index_for_the_older_matches(monkeypatch):
    now = timezone.now()
    matching = []
    for days in (3, 2, 1):
        article = make_article(status=S.APPROVED, title=f"Dexamethasone, {days} days", body="Dexamethasone [1].")
        make_publication(article=article, published_at=now - timedelta(days=days))
        matching.append(article)
    other = make_article(status=S.APPROVED, title="Radiotherapy first", body="Radiotherapy alone [1].")
    make_publication(article=other, published_at=now)  # the newest publication matches nothing
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    for window in (1, 2, 2000):  # the window holds no match, one of them, all of them
        monkeypatch.setattr(search, "RECENT_WINDOW", window)
        found = {h.slug for h in search.publications_search(query="dexamethasone")}
        assert found == {matching[1].slug, matching[2].slug}  # the two newest matches, whichever way found


@pytest.mark.skipif(search.connection.vendor != "postgresql", reason="the stored search document is PostgreSQL's")
def test_the_stored_search_document_is_the_document_search_ranks():
    article = make_article(status=S.APPROVED, title="Dexamethasone dosing", body="Dexamethasone early [1].")
    publication = make_publication(article=article)
    same = (
        Publication.objects.filter(pk=publication.pk)
        .annotate(document=search.search_vector(), stored=RawSQL("search_document", ()))
        .values_list("document", "stored")
        .get()
    )
    assert same[0] == same[1] and "dexamethason" in same[0]
