"""The copy of an article page kept for database outages (stale-if-error): written with each fresh render,
keyed without a query, and forgotten when the article is withdrawn. The outage itself is tested on a real
PostgreSQL cluster in tests/faults/test_database_outage.py."""

from django.core.cache import cache

from articles import reader
from articles.models import Article
from reviews.publishing import services as publishing
from tests.factories import make_article, make_publication, make_user

S = Article.Status


def _live():
    article = make_article(status=S.APPROVED)
    make_publication(article=article)
    article.refresh_from_db()
    return article


def test_a_fresh_render_keeps_a_copy_and_each_reader_gets_the_right_one(client, db):
    cache.clear()
    article = _live()
    page = client.get(article.get_absolute_url())
    kept = cache.get(reader.stale_page_key(slug=article.slug, missing_variant=False))
    assert kept.etag == page["ETag"] and b"application/ld+json" in kept.html
    assert b"nonce=" not in kept.html  # each response gets its own
    other = "patient" if article.audience == "clinician" else "clinician"
    client.cookies[reader.AUDIENCE_COOKIE] = other
    notice = client.get(article.get_absolute_url())  # no version for this audience: the page says so
    kept_pages = cache.get_many(reader.stale_page_keys(slug=article.slug))
    assert len(kept_pages) == 2
    for preference, etag in [(None, page["ETag"]), (article.audience, page["ETag"]), (other, notice["ETag"])]:
        assert reader.stale_page_for(kept_pages, slug=article.slug, preference=preference).etag == etag


def test_a_withdrawal_forgets_the_kept_copies(client, db):
    cache.clear()
    article = _live()
    client.get(article.get_absolute_url())
    assert cache.get(reader.stale_page_key(slug=article.slug, missing_variant=False)) is not None
    publishing.unpublish(article=article, actor=make_user("stale-editor", roles=["editor"]), reason="retracted")
    assert all(cache.get(key) is None for key in reader.stale_page_keys(slug=article.slug))
    assert client.get(article.get_absolute_url()).status_code == 410
