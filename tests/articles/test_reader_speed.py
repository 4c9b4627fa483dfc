"""The article page's serving path: prepared reads, the worker's copy of recent pages, and what it costs."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import pages, reader, selectors, views
from articles.models import Article
from reviews.publishing import services as publishing
from tests.factories import make_article, make_publication, make_user

S = Article.Status


@pytest.fixture
def live(db):
    article = make_article(status=S.APPROVED, summary="What helps when cancer presses on the spinal cord.")
    make_publication(article=article)
    article.refresh_from_db()
    return article


@pytest.fixture
def worker_copy(settings):
    settings.READER_LOCAL_PAGES = 2
    views._recent_pages = reader.RecentPages()
    yield views._recent_pages
    views._recent_pages = reader.RecentPages()


def _page(client, article, **headers):
    return client.get(f"/articles/{article.slug}/", **headers)


def _without_nonce(content: bytes) -> bytes:
    return re.sub(rb' nonce="[^"]+"', b"", content)


def test_a_worker_serves_its_recent_page_without_asking_the_shared_cache(
    client, live, worker_copy, django_assert_max_num_queries
):
    first = _page(client, live)
    cache.clear()  # the shared cache lost the page (another server's eviction, a restart of Redis)
    with django_assert_max_num_queries(1):  # the stamp only: no render
        second = _page(client, live)
    assert _without_nonce(second.content) == _without_nonce(first.content) and second["ETag"] == first["ETag"]
    assert second.content != first.content  # each response still carries its own CSP nonce
    make_publication(article=live)  # new content is a new key: the kept copy is never served for it
    third = _page(client, live)
    assert third["ETag"] != first["ETag"]


def test_a_withdrawal_reaches_readers_although_the_worker_kept_the_page(client, live, worker_copy):
    assert _page(client, live).status_code == 200
    publishing.unpublish(article=live, actor=make_user("speed-editor", roles=["editor"]), reason="retracted")
    assert _page(client, live).status_code == 410


def test_without_the_setting_every_cached_page_comes_from_the_shared_cache(client, live, settings):
    settings.READER_LOCAL_PAGES = 0
    _page(client, live)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert _page(client, live).status_code == 200
    assert len(queries) >= 2  # rendered again


def test_the_worker_keeps_at_most_its_setting_and_drops_the_least_recent(settings):
    settings.READER_LOCAL_PAGES = 2
    pages = reader.RecentPages()
    pages.put("a", b"A")
    pages.put("b", b"B")
    assert pages.get("a") == b"A"  # "a" is now the most recent
    pages.put("c", b"C")
    assert (pages.get("a"), pages.get("b"), pages.get("c")) == (b"A", None, b"C")


def _orm(slug: str) -> Article:
    return selectors._article_for_readers_query(slug).get()


@pytest.mark.parametrize("state", ["live", "withdrawn", "never published"])
def test_the_compiled_reader_read_gives_what_the_orm_query_gives(db, state):
    article = make_article(status=S.APPROVED)
    if state != "never published":
        make_publication(article=article)
    if state == "withdrawn":
        publishing.unpublish(article=article, actor=make_user("speed-editor", roles=["editor"]), reason="retracted")
    fast, slow = selectors.article_for_readers(slug=article.slug), _orm(article.slug)
    fields = ("pk", "title", "status", "updated_at", "live_publication_id", "live_revision_number", "withdrawn")
    assert [getattr(fast, name) for name in fields] == [getattr(slow, name) for name in fields]
    assert fast.change_log == slow.change_log and fast.topic == slow.topic and fast.author == slow.author
    if state == "live":
        live_fast, live_slow = fast.live_publication, slow.live_publication
        assert live_fast.rendered_html == live_slow.rendered_html and live_fast.references == live_slow.references
        assert live_fast.reviewer_credits == live_slow.reviewer_credits
        assert live_fast.revision.number == live_slow.revision.number
    else:
        assert fast.live_publication is None and fast.withdrawn == (state == "withdrawn")


def test_an_unknown_address_raises_does_not_exist(db):
    with pytest.raises(Article.DoesNotExist):
        selectors.article_for_readers(slug="no-such-article")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_reads_are_prepared_once_per_connection_and_survive_a_rollback(live):
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    selectors._prepared.pop(connection.connection, None)
    with pytest.raises(RuntimeError), transaction.atomic():
        with CaptureQueriesContext(connection) as first:
            selectors.article_for_readers(slug=live.slug)
            selectors.article_page_stamp(slug=live.slug)
        raise RuntimeError("roll back the transaction the statements were prepared in")
    assert [q["sql"].split(" AS ")[0] for q in first] == [
        "PREPARE imprimatur_reader_article",
        "PREPARE imprimatur_reader_stamp",
    ]
    with CaptureQueriesContext(connection) as again:
        article = selectors.article_for_readers(slug=live.slug)
        stamp = selectors.article_page_stamp(slug=live.slug)
    assert [q["sql"].split("(")[0] for q in again] == [
        "EXECUTE imprimatur_reader_article",
        "EXECUTE imprimatur_reader_stamp",
    ]
    assert article.pk == stamp["id"] == live.pk


def test_a_fresh_render_does_not_fetch_texts_the_page_never_shows(live):
    article = selectors.article_for_readers(slug=live.slug)
    assert article.get_deferred_fields() == {"body"}
    assert article.live_publication.get_deferred_fields() == {"search_text"}
    assert article.live_publication.revision.get_deferred_fields() == {"body", "references"}


def test_a_publication_stores_its_reference_list_and_the_page_shows_it(client, live):
    publication = live.live_publication
    assert publication.reader_parts["version"] == reader.READER_PARTS_VERSION
    stored = publication.reader_parts["references_html"]
    assert stored.startswith('<section class="references"') and 'class="backlink" href="#cite-1-1"' in stored
    assert stored in _page(client, live).content.decode()


def test_an_older_publication_without_stored_parts_gets_the_same_list_rendered(client, live):
    stored = live.live_publication.reader_parts["references_html"]
    for parts in ({}, {"version": reader.READER_PARTS_VERSION - 1, "references_html": "<p>old list</p>"}):
        type(live.live_publication).objects.filter(pk=live.live_publication_id).update(reader_parts=parts)
        cache.clear()
        html = _page(client, live).content.decode()
        assert stored in html and "old list" not in html


def test_the_report_form_is_the_same_empty_form_on_every_page(client, live):
    html = _page(client, live).content.decode()
    assert f'action="/articles/{live.slug}/report/"' in html and 'name="website"' in html
    assert pages.report_form_html(live.slug) in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_statement_dropped_inside_a_transaction_fails_once_then_is_prepared_again(live):
    selectors.article_for_readers(slug=live.slug)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE imprimatur_reader_article")  # what a pooler's DISCARD ALL does to a session
    with pytest.raises(DatabaseError), transaction.atomic():  # an aborted transaction cannot retry
        selectors.article_for_readers(slug=live.slug)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.article_for_readers(slug=live.slug).pk == live.pk
    assert [q["sql"].split(" ")[0] for q in queries] == ["SELECT", "PREPARE"]  # asked once, then prepared
    assert selectors.article_for_readers(slug=live.slug).pk == live.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_statement_dropped_between_requests_is_prepared_again_at_once(transactional_db, client):
    article = make_article(status=S.APPROVED)
    make_publication(article=article)
    assert _page(client, article).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    cache.clear()
    views._recent_pages = reader.RecentPages()
    assert _page(client, article).status_code == 200  # a render: both statements prepared again, no error


def test_the_day_a_page_is_judged_on_follows_the_clock_both_ways():
    with time_machine.travel("2026-06-01 23:59:59+00:00", tick=False):
        assert reader._today() == timezone.localdate()
    with time_machine.travel("2026-06-03 00:00:01+00:00", tick=False):
        assert reader._today() == timezone.localdate()
    with time_machine.travel("2026-05-01 12:00:00+00:00", tick=False):  # back in time: asked again
        assert reader._today() == timezone.localdate()
    assert reader._today() == timezone.localdate()


def test_a_remembered_stamp_keeps_its_identity_and_a_changed_one_gets_a_new_one(live):
    stamp = selectors.article_page_stamp(slug=live.slug, fresh=True)
    first = reader.page_identity(stamp=stamp, missing_variant=False)
    assert reader.page_identity(stamp=stamp, missing_variant=False) is first
    changed = {**stamp, "revision": stamp["revision"] + 1}
    assert reader.page_identity(stamp=changed, missing_variant=False).cache_key != first.cache_key
    assert reader.page_identity(stamp=stamp, missing_variant=True).cache_key != first.cache_key
