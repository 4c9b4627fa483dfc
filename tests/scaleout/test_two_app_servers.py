"""Two app servers on one PostgreSQL and one Redis: what one publishes, the other serves within
READER_STAMP_SECONDS, and the same for a withdrawal."""

import re
import subprocess
import sys
import time

import httpx
import pytest

from articles.models import Article
from tests.factories import make_article
from tests.scaleout.conftest import ROOT, free_port, process_env, stop, wait_for

STAMP_SECONDS = 1
SLACK = 1.0  # the polling interval and one request's own time on a busy machine
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_servers(on_redis, rq_worker):
    """Two gunicorn processes on loopback with the test database, the test Redis and the RQ queue."""
    servers = []
    for _ in range(2):
        port = free_port()
        env = process_env(on_redis, READER_STAMP_SECONDS=str(STAMP_SECONDS))
        command = [sys.executable, "-m", "gunicorn", "editorial.wsgi:application", "--bind", f"127.0.0.1:{port}",
                   "--workers", "1", "--log-level", "warning"]  # fmt: skip
        servers.append((subprocess.Popen(command, cwd=ROOT, env=env), f"http://127.0.0.1:{port}"))
    for process, url in servers:
        wait_for(lambda url=url: _up(url), timeout=90)  # a loaded machine starts gunicorn slowly
        assert process.poll() is None
    yield [url for _, url in servers]
    for process, _ in servers:
        stop(process)


def _up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/robots.txt", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _signed_in(base: str, user, settings) -> httpx.Client:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the servers check
    user.set_password("pw-for-tests-only")
    user.save(update_fields=["password"])
    client = httpx.Client(base_url=base, timeout=10)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/accounts/login/",
        data={"username": user.username, "password": "pw-for-tests-only", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    assert answer.status_code == 302, answer.text[:500]
    return client


def _post_desk(client: httpx.Client, article: Article, step: str, reason: str) -> None:
    form = client.get(f"/admin/articles/article/{article.pk}/change/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = client.post(
        f"/admin/articles/article/{article.pk}/{step}/", data={"reason": reason, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{client.base_url}/admin/"},
    )  # fmt: skip
    assert answer.status_code == 302, answer.text[:500]


def test_a_publish_through_one_server_reaches_readers_of_the_other(app_servers, editor, settings):
    writer_url, reader_url = app_servers
    article = make_article(status=Article.Status.APPROVED, title="Shared across servers")
    page = f"{reader_url}{article.get_absolute_url()}"
    assert httpx.get(page).status_code == 404  # not live yet, and the reader server remembers that briefly

    desk = _signed_in(writer_url, editor, settings)
    _post_desk(desk, article, "publish", "Approved by the board")
    published = time.monotonic()
    assert Article.objects.get(pk=article.pk).live_publication_id is not None
    shown = wait_for(lambda: httpx.get(page).status_code == 200 and time.monotonic(), timeout=10, interval=0.05)
    assert shown - published <= STAMP_SECONDS + SLACK
    assert "Shared across servers" in httpx.get(page).text

    _post_desk(desk, article, "unpublish", "Dose corrected in the next revision")
    withdrawn = time.monotonic()
    gone = wait_for(lambda: httpx.get(page).status_code == 410 and time.monotonic(), timeout=10, interval=0.05)
    assert gone - withdrawn <= STAMP_SECONDS + SLACK
