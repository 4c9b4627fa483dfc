"""PostgreSQL stopped under a running site: cached article pages are still served, every other page is a
styled 503 with Retry-After (never a 500), and service is back within 5 s of the database returning.

The site runs as a real server process on a throwaway cluster (tests/faults/cluster.py)."""

import subprocess
import sys
import time

import httpx
import pytest

from tests.faults.cluster import ROOT, Cluster, free_port, manage, pg_bin, project_env, wait_for

pytestmark = pytest.mark.skipif(pg_bin("initdb") is None, reason="PostgreSQL server binaries are not installed")

SEED = """
from reviews.publishing import services as publishing
from tests.factories import make_article, make_reviewer, make_user, take_through_review
editor = make_user("outage-editor", roles=["editor"])
article = take_through_review(make_article(), editor=editor, reviewer=make_reviewer("outage-reviewer"))
publishing.publish(article=article, actor=editor, reason="live for the outage test")
print(article.get_absolute_url())
"""
PUBLIC_PAGES = ["/", "/topics/", "/search/?q=spinal", "/editorial-policy/", "/api/articles/", "/sitemap.xml"]
EDITOR_PAGES = ["/admin/", "/admin/articles/article/", "/review/desk/"]


@pytest.fixture
def site():
    cluster = Cluster()
    server = None
    try:
        cluster.init()
        cluster.start()
        env = project_env(cluster.url, DB_CONN_MAX_AGE="60", READER_STAMP_SECONDS="0")
        manage("migrate", "--noinput", env=env)
        article_url = (
            manage("shell", "-c", SEED, env=env | {"TASK_BACKEND": "immediate"}).stdout.strip().splitlines()[-1]
        )
        port = free_port()
        log = (cluster.root / "server.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
        assert wait_for(lambda: _answers(client, "/"), seconds=30), "the server did not start"
        yield cluster, client, article_url, port
        server_log = (cluster.root / "server.log").read_text()
        assert "Traceback" not in server_log and '" 500 ' not in server_log, server_log[-3000:]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        cluster.destroy()


def _answers(client, url):
    try:
        return client.get(url)
    except httpx.TransportError:
        return None


def test_readers_keep_cached_pages_others_get_503_and_service_returns_within_5_seconds(site):
    cluster, client, article_url, port = site
    editor = _signed_in_editor(port)
    assert editor.get("/admin/articles/article/").status_code == 200
    warm = client.get(article_url)
    assert warm.status_code == 200 and "application/ld+json" in warm.text
    assert client.get("/").status_code == 200

    cluster.stop()
    for _ in range(3):  # every request, not just the first after the connection broke
        cached = client.get(article_url)
        assert cached.status_code == 200, cached.text[:500]
        assert cached.headers["X-Served-Stale"] == "database unavailable"
        assert '<h1 id="article-title">' in cached.text and "nonce=" in cached.text
        assert cached.headers["Content-Security-Policy"]
    pages = [(client, url) for url in PUBLIC_PAGES] + [(editor, url) for url in EDITOR_PAGES]
    for who, url in pages:
        response = who.get(url)
        assert response.status_code == 503, (url, response.status_code)
        assert int(response.headers["Retry-After"]) > 0
        assert "temporarily unavailable" in response.text and 'href="/static/css/site.css"' in response.text
    never_rendered = client.get(article_url.rstrip("/") + "-other/")
    assert never_rendered.status_code == 503
    login = client.get("/accounts/login/")
    assert login.status_code in (200, 503)
    assert editor.post("/admin/logout/", data={}).status_code in (403, 503)  # never 500

    cluster.start()
    back = time.monotonic()
    recovered = wait_for(lambda: _status(client, "/") == 200, seconds=5, step=0.2)
    assert recovered, "the site did not serve normally within 5 s of PostgreSQL coming back"
    assert time.monotonic() - back <= 5
    assert client.get("/topics/").status_code == 200
    fresh = client.get(article_url)
    assert fresh.status_code == 200 and "X-Served-Stale" not in fresh.headers


def _signed_in_editor(port: int) -> httpx.Client:
    editor = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10)
    editor.get("/admin/login/")
    token = editor.cookies["csrftoken"]
    signed_in = editor.post(
        "/admin/login/?next=/admin/",
        data={"username": "outage-editor", "password": "pw-for-tests-only", "csrfmiddlewaretoken": token},
        headers={"Referer": f"http://127.0.0.1:{port}/admin/login/"},
    )
    assert signed_in.status_code == 302, signed_in.text[:300]
    return editor


def _status(client, url):
    response = _answers(client, url)
    return response.status_code if response is not None else None
