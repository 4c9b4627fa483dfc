"""The public article page through gunicorn, against a bare Django view serving the same bytes.

Seeds an article with 15 references and 25 citations into the benchmark's own database (a
dedicated ``<name>_bench_reader`` database on DATABASE_URL's PostgreSQL server, or SQLite in a
temporary directory), starts gunicorn on loopback with the real settings (DEBUG off, the
configured cache), and times a bounded number of requests to each URL in alternating rounds.
Prints requests per second for both and the ratio article/bare (goal: at least 0.7).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CLIENTS = 4
REQUESTS = 1500  # per URL per round
ROUNDS = 3
GOAL = 0.7


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _database():
    """A database URL of the benchmark's own, removed afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'imprimatur'}_bench_reader"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(parts._replace(path=f"/{name}")), f"PostgreSQL database {name}"
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="imprimatur-bench-") as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite3", "SQLite in a temporary directory"


def _fetch(args: tuple[int, str, int]) -> int:
    port, path, count = args
    done = 0
    for _ in range(count):
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status != 200 or not body:
            raise RuntimeError(f"GET {path} answered {response.status}")
        done += 1
    return done


def _rate(pool: ProcessPoolExecutor, port: int, path: str) -> float:
    share = REQUESTS // CLIENTS
    start = time.perf_counter()
    total = sum(pool.map(_fetch, [(port, path, share)] * CLIENTS))
    return total / (time.perf_counter() - start)


def _wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start within 30 s")


def _serve_and_measure(env: dict, slug: str) -> tuple[float, float, int]:
    """Start gunicorn with ``env``, time both URLs in alternating rounds, stop it; best rates and page size."""
    port = _free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "bench._reader_wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(WORKERS), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        _wait_until_up(port, server)
        article, bare = f"/articles/{slug}/", "/bench/bare/"
        with ProcessPoolExecutor(CLIENTS) as pool:
            for path in (article, bare):  # warm every worker: page cache, bare bytes, connections
                _fetch((port, path, WORKERS * 20))
            rates = {article: [], bare: []}
            for _ in range(ROUNDS):
                for path in (bare, article):
                    rates[path].append(_rate(pool, port, path))
        size = len(urllib.request.urlopen(f"http://127.0.0.1:{port}{article}", timeout=5).read())
    finally:
        server.terminate()
        server.wait(timeout=20)
    return max(rates[article]), max(rates[bare]), size


def run() -> dict:
    from bench._reader_site import SLUG

    results = {}
    with _database() as (database_url, label):
        env = {
            **os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "editorial.settings",
            "DJANGO_DEBUG": "false", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        }  # fmt: skip
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-m", "bench._reader_site", "seed"], cwd=ROOT, env=env, check=True)
        print(
            f"database: {label}; gunicorn {WORKERS} workers on loopback, {CLIENTS} client processes, "
            f"{REQUESTS} requests per URL per round, best of {ROUNDS}"
        )
        # 1 s is the production default of READER_STAMP_SECONDS; 0 re-reads the page stamp on every request.
        for seconds, setting in (("1", "production setting"), ("0", "stamp re-read per request")):
            article_rps, bare_rps, size = _serve_and_measure({**env, "READER_STAMP_SECONDS": seconds}, SLUG)
            ratio = article_rps / bare_rps
            results[seconds] = {"article_rps": article_rps, "bare_rps": bare_rps, "ratio": ratio, "page_bytes": size}
            print(
                f"READER_STAMP_SECONDS={seconds} ({setting}), page {size:,} bytes\n"
                f"  bare view (same bytes from memory): {bare_rps:>8,.0f} requests/s\n"
                f"  article page:                       {article_rps:>8,.0f} requests/s\n"
                f"  ratio article/bare: {ratio:.2f}"
            )
    ratio = results["1"]["ratio"]
    print(f"ratio article/bare: {ratio:.2f} (goal ≥ {GOAL}, production setting)")
    return {"ratio": ratio, "runs": results}
