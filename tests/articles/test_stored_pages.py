"""The page store: a live article's page is rendered after each change that commits and kept, so a
request the page cache misses is served in one query; a stored page is never served once it is not
the page readers should get."""

import dataclasses
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import pages, reader, selectors, views
from articles.models import Article, ArticleDisclosure, AuthorProfile, StoredPage
from articles.revisions import content_of
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, take_through_review

S = Article.Status


def _without_nonce(content: bytes) -> bytes:
    return re.sub(rb' nonce="[^"]+"', b"", content)


@pytest.fixture
def no_page_cache(settings):
    """No shared cache, no worker copy, no remembered stamp: every request finds no cached page."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.READER_LOCAL_PAGES = 0
    settings.READER_STAMP_SECONDS = 0
    views._recent_pages = reader.RecentPages()
    selectors._stamp_memo.clear()


@pytest.fixture
def published(editor, django_capture_on_commit_callbacks):
    article = take_through_review(make_article(), editor=editor, reviewer=make_reviewer("dr-store"))
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=article, actor=editor, reason="First publication")
    article.refresh_from_db()
    return article


def _render_now(client, article) -> bytes:
    """The page as a render gives it now (the page store emptied first)."""
    StoredPage.objects.filter(article_id=article.pk).delete()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return _without_nonce(response.content)


def test_publishing_stores_the_page_and_a_cache_miss_is_served_from_it_in_one_query(client, published, no_page_cache):
    stored = StoredPage.objects.get(article_id=published.pk)
    stamp = selectors.article_page_stamp(slug=published.slug, fresh=True)
    assert stored.identity == reader.page_identity(stamp=stamp, missing_variant=False).cache_key
    with CaptureQueriesContext(connection) as queries:
        response = client.get(published.get_absolute_url())
    assert response.status_code == 200 and len(queries) == 1  # the stamp, which carries the stored page
    assert 'nonce="' in response.content.decode()  # each response still gets its own CSP nonce
    served = _without_nonce(response.content)
    assert served == _without_nonce(bytes(stored.html))
    assert served == _render_now(client, published)  # the very page a render gives


def test_with_a_remembered_stamp_a_miss_reads_the_stored_bytes_in_one_query(client, published, no_page_cache, settings):
    settings.READER_STAMP_SECONDS = 60
    client.get(published.get_absolute_url())  # the stamp is remembered, without the page's bytes
    with CaptureQueriesContext(connection) as queries:
        response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert len(queries) == 1 and "articles_storedpage" in queries[0]["sql"]


def test_a_workflow_step_after_publishing_stores_the_new_page(
    client, published, editor, no_page_cache, django_capture_on_commit_callbacks
):
    before = StoredPage.objects.get(article_id=published.pk).identity
    with django_capture_on_commit_callbacks(execute=True):
        workflow.edit(
            article=published, actor=editor, reason="Re-review",
            content=dataclasses.replace(content_of(published), summary="A new summary for the next review."),
        )  # fmt: skip
    after = StoredPage.objects.get(article_id=published.pk)
    assert after.identity != before  # the page says an update is in review now
    response = client.get(published.get_absolute_url())
    assert _without_nonce(response.content) == _without_nonce(bytes(after.html))


def test_a_change_the_store_did_not_see_is_rendered_not_served_stale(client, published, no_page_cache):
    stored = StoredPage.objects.get(article_id=published.pk)
    AuthorProfile.objects.update_or_create(
        user=published.author, defaults={"display_name": "Dr Newname", "slug": "dr-newname", "public": True}
    )  # a profile saved on its own: no store for the article
    with CaptureQueriesContext(connection) as queries:
        response = client.get(published.get_absolute_url())
    assert len(queries) >= 2  # the stamp, then the render's read: the stored key is not the page's any more
    assert StoredPage.objects.get(article_id=published.pk).identity == stored.identity  # a GET writes nothing
    assert _without_nonce(response.content) != _without_nonce(bytes(stored.html))


def test_a_page_past_its_rereview_date_is_rendered_not_served_from_the_store(client, published, no_page_cache):
    stored = StoredPage.objects.get(article_id=published.pk)
    Article.objects.filter(pk=published.pk).update(next_review_due=timezone.localdate() + timedelta(days=1))
    pages.store_page.call(article_id=published.pk)
    stored = StoredPage.objects.get(article_id=published.pk)
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        response = client.get(published.get_absolute_url())
        overdue = reader.page_identity(stamp=selectors.article_page_stamp(slug=published.slug), missing_variant=False)
    assert overdue.overdue and overdue.cache_key != stored.identity
    assert response["X-Robots-Tag"] == "noindex"  # the overdue page, not the stored one


def test_a_withdrawal_forgets_the_stored_page_and_readers_get_410(
    client, published, editor, no_page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publishing.unpublish(article=published, actor=editor, reason="Retracted source")
    assert not StoredPage.objects.filter(article_id=published.pk).exists()
    assert client.get(published.get_absolute_url()).status_code == 410


def test_a_rolled_back_publish_stores_nothing(editor, django_capture_on_commit_callbacks):
    article = take_through_review(make_article(), editor=editor, reviewer=make_reviewer("dr-rollback"))

    def publish_then_fail():
        with transaction.atomic():
            publishing.publish(article=article, actor=editor, reason="First publication")
            raise RuntimeError("the request failed after publishing")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        publish_then_fail()
    assert callbacks == [] and not StoredPage.objects.exists()


def test_the_other_audience_page_is_never_taken_from_the_store(client, published, no_page_cache):
    client.cookies[reader.AUDIENCE_COOKIE] = "patient" if published.audience != "patient" else "clinician"
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    assert _without_nonce(response.content) != _without_nonce(bytes(StoredPage.objects.get(pk=published.pk).html))


def test_a_disclosure_saved_on_its_own_stores_the_page_again(
    client, published, no_page_cache, django_capture_on_commit_callbacks
):
    before = StoredPage.objects.get(article_id=published.pk).identity
    with django_capture_on_commit_callbacks(execute=True):
        ArticleDisclosure.objects.create(article=published, funding="A university grant for patient leaflets.")
    stored = StoredPage.objects.get(article_id=published.pk)
    assert stored.identity != before and b"A university grant for patient leaflets." in bytes(stored.html)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(published.get_absolute_url())
    assert len(queries) == 1 and b"A university grant for patient leaflets." in response.content


def test_a_release_that_changes_a_template_changes_every_pages_key(published, settings, tmp_path):
    stamp = selectors.article_page_stamp(slug=published.slug, fresh=True)
    before = reader.page_identity(stamp=stamp, missing_variant=False).cache_key
    extra = tmp_path / "templates"
    extra.mkdir()
    (extra / "note.html").write_text("<p>A new release's template.</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], extra]}]
    reader.render_build.cache_clear()
    reader._identities.clear()
    try:
        after = reader.page_identity(stamp=stamp, missing_variant=False).cache_key
    finally:
        reader.render_build.cache_clear()
        reader._identities.clear()
    assert after != before  # no page stored or cached by the older release is served


def test_the_store_pages_command_stores_every_live_page_again(published, no_page_cache, client):
    StoredPage.objects.all().delete()
    out = io.StringIO()
    call_command("store_pages", "--now", stdout=out)
    assert "1 live article page(s) stored" in out.getvalue()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(published.get_absolute_url()).status_code == 200
    assert len(queries) == 1
