"""Reader pages behind a CDN: cache headers, surrogate keys, and purging after commit only."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction

from articles.models import Article
from reviews.publishing import services as publishing
from tests.factories import make_article, make_publication, make_topic

S = Article.Status


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        self.server.calls.append((self.command, self.path, self.headers.get("Authorization")))
        self.send_response(self.server.answer)
        self.end_headers()

    do_PURGE = do_POST

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_receiver(settings):
    """A CDN purge endpoint on loopback; CDN_PURGE_URL points at it. Yields the server (``calls``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.calls, server.answer = [], 200
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CDN_PURGE_URL = f"http://127.0.0.1:{server.server_port}/purge/{{key}}"
    settings.CDN_PURGE_TOKEN = "cdn-token"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def live(db):
    article = make_article(status=S.APPROVED, topic=make_topic("Neurology"))
    make_publication(article=article)
    article.refresh_from_db()
    return article


@pytest.fixture
def approved(db):
    return make_article(status=S.APPROVED, topic=make_topic("Spine"))


def test_article_page_lets_shared_caches_keep_it_and_browsers_revalidate(client, live, settings):
    settings.READER_S_MAXAGE, settings.READER_STALE_WHILE_REVALIDATE = 600, 45
    response = client.get(live.get_absolute_url())
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "must-revalidate", "s-maxage=600", "stale-while-revalidate=45"}
    assert response["Surrogate-Key"] == f"article-{live.pk} topic-{live.topic_id}"
    assert response["Cache-Tag"] == f"article-{live.pk},topic-{live.topic_id}"
    revalidated = client.get(live.get_absolute_url(), HTTP_IF_NONE_MATCH=response["ETag"])
    assert revalidated.status_code == 304 and revalidated["Surrogate-Key"] == response["Surrogate-Key"]


@pytest.mark.parametrize("url", ["/", "/topics/", "/search/?q=spinal", "/sitemap.xml", "/sitemap-articles.xml"])
def test_list_pages_carry_the_lists_key(client, live, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "s-maxage=" in response["Cache-Control"] and "stale-while-revalidate=" in response["Cache-Control"]
    assert response["Surrogate-Key"] == "reader-lists" and response["Cache-Tag"] == "reader-lists"


def test_topic_page_carries_its_topic_key(client, live):
    response = client.get(live.topic.get_absolute_url())
    assert response["Surrogate-Key"] == f"topic-{live.topic_id}"


def test_withdrawal_reaches_a_reader_who_revalidates_at_once(client, live, editor):
    first = client.get(live.get_absolute_url())
    publishing.unpublish(article=live, actor=editor, reason="Dosage error")
    again = client.get(live.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 410
    assert again["Surrogate-Key"] == f"article-{live.pk}" and "must-revalidate" in again["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_publish_purges_the_article_topic_and_lists_after_commit(purge_receiver, editor, approved):
    publishing.publish(article=approved, actor=editor, reason="Go live")
    keys = [f"article-{approved.pk}", f"topic-{approved.topic_id}", "reader-lists"]
    assert purge_receiver.calls == [("POST", f"/purge/{key}", "Bearer cdn-token") for key in keys]


@pytest.mark.django_db(transaction=True)
def test_unpublish_purges_the_article_after_commit(purge_receiver, settings, editor, approved):
    settings.CDN_PURGE_METHOD = "PURGE"
    publishing.publish(article=approved, actor=editor, reason="Go live")
    purge_receiver.calls.clear()
    publishing.unpublish(article=approved, actor=editor, reason="Withdrawn for correction")
    assert purge_receiver.calls[0][:2] == ("PURGE", f"/purge/article-{approved.pk}")
    assert len(purge_receiver.calls) == 3


@pytest.mark.django_db(transaction=True)
def test_nothing_is_purged_before_the_transaction_commits(purge_receiver, editor, approved):
    with transaction.atomic():
        publishing.publish(article=approved, actor=editor, reason="Go live")
        assert purge_receiver.calls == []
    assert len(purge_receiver.calls) == 3


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_publish_purges_nothing(purge_receiver, editor, approved):
    with pytest.raises(RuntimeError), transaction.atomic():
        publishing.publish(article=approved, actor=editor, reason="Go live")
        raise RuntimeError("the surrounding change failed")
    assert purge_receiver.calls == []
    assert Article.objects.get(pk=approved.pk).live_publication_id is None


@pytest.mark.django_db(transaction=True)
def test_a_refused_purge_fails_the_task_and_leaves_the_publication(purge_receiver, tasks, editor, approved):
    import httpx

    from articles.cdn import cdn_purge

    purge_receiver.answer = 503
    publishing.publish(article=approved, actor=editor, reason="Go live")
    (queued,) = [r for r in tasks.results if r.task.name == "cdn_purge"]
    assert queued.kwargs == {"article_id": approved.pk}
    with pytest.raises(httpx.HTTPStatusError, match="503"):
        cdn_purge.call(**queued.kwargs)
    assert Article.objects.get(pk=approved.pk).live_publication_id is not None


def test_no_purge_is_queued_when_purging_is_off(tasks, settings, editor, approved, django_capture_on_commit_callbacks):
    settings.CDN_PURGE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        publishing.publish(article=approved, actor=editor, reason="Go live")
    assert not [r for r in tasks.results if r.task.name == "cdn_purge"]


@pytest.mark.django_db(transaction=True)
def test_the_purge_waits_until_no_app_server_can_serve_the_old_page(purge_receiver, settings, editor, approved):
    import time

    settings.READER_STAMP_SECONDS = 1
    started = time.monotonic()
    publishing.publish(article=approved, actor=editor, reason="Go live")
    assert time.monotonic() - started >= 1 and len(purge_receiver.calls) == 3


@pytest.mark.django_db(transaction=True)
def test_a_deferring_backend_queues_the_purge_for_later_and_the_task_does_not_wait(
    purge_receiver, settings, tasks, editor, approved
):
    import time

    from django.utils import timezone

    from articles.cdn import cdn_purge

    settings.READER_STAMP_SECONDS = 30
    before = timezone.now()
    started = time.monotonic()
    publishing.publish(article=approved, actor=editor, reason="Go live")
    assert time.monotonic() - started < 5  # the request did not wait the 30 seconds
    (queued,) = [r for r in tasks.results if r.task.name == "cdn_purge"]
    assert before.timestamp() + 30 <= queued.task.run_after.timestamp() <= timezone.now().timestamp() + 30
    assert purge_receiver.calls == []

    started = time.monotonic()  # the worker's run, when it comes, purges at once: no worker is held
    assert cdn_purge.call(**queued.kwargs) == [f"article-{approved.pk}", f"topic-{approved.topic_id}", "reader-lists"]
    assert time.monotonic() - started < 5 and len(purge_receiver.calls) == 3


@pytest.mark.django_db(transaction=True)
def test_with_no_stamp_window_the_purge_is_queued_to_run_now(purge_receiver, settings, tasks, editor, approved):
    settings.READER_STAMP_SECONDS = 0
    publishing.publish(article=approved, actor=editor, reason="Go live")
    (queued,) = [r for r in tasks.results if r.task.name == "cdn_purge"]
    assert queued.task.run_after is None
