"""What keeps the reader's lists fast on a large site: search ranks a bounded set of candidates, home's
"recently reviewed" looks at the latest publications and re-reviews, and the sitemap index remembers
its page counts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import search, selectors
from articles.models import Article
from tests.factories import make_article, make_publication

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
