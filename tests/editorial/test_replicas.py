"""The read-replica router: reader pages, API reads and sitemaps on the replica; the rest, writes and
a writer's next reads on the primary. The replica is Django's test mirror of the default database."""

import pytest
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from editorial.replicas import PIN_COOKIE, ReplicaRouter
from tests.factories import make_article, make_publication

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
    pytest.mark.skipif("replica" not in __import__("django.conf").conf.settings.DATABASES,
                       reason="DATABASE_REPLICA_URL is not set (make test sets it)"),
]  # fmt: skip


@pytest.fixture
def live():
    article = make_article(status=Article.Status.APPROVED)
    make_publication(article=article)
    return article


def _queries(client, method, url, **kwargs):
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        response = getattr(client, method)(url, **kwargs)
    return response, len(primary), len(rep)


@pytest.mark.parametrize("url", ["/", "/topics/", "/search/?q=spinal", "/sitemap.xml", "/sitemap-articles.xml",
                                 "/api/articles/"])  # fmt: skip
def test_reader_pages_api_reads_and_sitemaps_read_from_the_replica(client, live, url):
    cache.clear()  # the sitemap index remembers its page counts: make it count here
    response, primary, replica = _queries(client, "get", url)
    assert response.status_code == 200
    assert replica >= 1 and primary == 0


def test_the_article_page_reads_from_the_replica(client, live):
    response, primary, replica = _queries(client, "get", live.get_absolute_url())
    assert response.status_code == 200 and replica >= 1 and primary == 0


def test_editorial_pages_read_from_the_primary(admin_client, live):
    response, primary, replica = _queries(admin_client, "get", "/admin/articles/article/")
    assert response.status_code == 200 and primary >= 1 and replica == 0


def test_a_request_that_wrote_pins_its_browser_to_the_primary(client, live, editor):
    response, primary, replica = _queries(
        client, "post", "/accounts/login/", data={"username": editor.username, "password": "pw-for-tests-only"}
    )
    assert response.status_code == 302 and replica == 0
    assert response.cookies[PIN_COOKIE]["max-age"] > 0
    after, primary, replica = _queries(client, "get", live.get_absolute_url())  # the cookie came back
    assert after.status_code == 200 and primary >= 1 and replica == 0


def test_writes_always_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("replica", "articles") is False and router.allow_migrate("default", "articles")
