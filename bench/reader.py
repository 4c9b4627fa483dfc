"""The public article page through gunicorn, against a bare Django view serving the same bytes.

Seeds an article with 15 references and 25 citations into the benchmark's own database (a
dedicated ``<name>_bench_reader`` database on DATABASE_URL's PostgreSQL server, or SQLite in a
temporary directory), starts gunicorn on loopback with the real settings (DEBUG off, the
configured cache), and times a bounded number of requests to each URL in alternating rounds.
Four runs: the cached page with the local-memory cache and with Redis against the bare view
(goals ≥ 0.9 and ≥ 0.7); a cache miss (no page cache, no worker copy, stamp read every request: the
first request after a publish, served from the page the publish stored) against a plain Django page
of the same bytes (two queries and a template; goal ≥ 1.5); and, for information, the same miss with
the page store emptied, so every request renders the page (a page changed in a way the store did
not see: an author profile, the disclaimer, a re-review date that passed).
Prints median requests per second and, for each figure, the median of the rounds' ratios (each
round times the baseline and then the article, so a busy spell on a shared machine hits both).
"""

from __future__ import annotations

import os
import socket
import statistics
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
REQUESTS = 1000  # per URL per round
MISS_REQUESTS = 200  # per URL per round, for the cache-miss run
ROUNDS = 9  # each round times the baseline, then the article: the ratio is the median of the rounds' ratios
# (nine, not five: on a 2-core machine that also runs the clients, single rounds vary by ±10 %)
GOAL = 0.7  # cached page ÷ bare view, Redis cache
GOAL_LOCAL = 0.9  # cached page ÷ bare view, local-memory cache
GOAL_MISS = 1.5  # cache-miss render ÷ plain Django page


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


def _rate(pool: ProcessPoolExecutor, port: int, path: str, requests: int = REQUESTS) -> float:
    share = requests // CLIENTS
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


def _serve_and_measure(
    env: dict, slug: str, baseline: str = "/bench/bare/", requests: int = REQUESTS
) -> tuple[float, float, float, int]:
    """Start gunicorn with ``env``, time the article and ``baseline`` in alternating rounds, stop it; the
    median of the rounds' ratios, the median rates and the page size."""
    port = _free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "bench._reader_wsgi:application", "--bind", f"127.0.0.1:{port}",
                "--workers", str(WORKERS), "--log-level", "warning"]  # fmt: skip
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env)
    try:
        _wait_until_up(port, server)
        article, bare = f"/articles/{slug}/", baseline
        with ProcessPoolExecutor(CLIENTS) as pool:
            for path in (article, bare):  # warm every worker: page cache, bare bytes, connections
                _fetch((port, path, WORKERS * 20))
            rates = {article: [], bare: []}
            for _ in range(ROUNDS):
                for path in (bare, article):
                    rates[path].append(_rate(pool, port, path, requests))
        size = len(urllib.request.urlopen(f"http://127.0.0.1:{port}{article}", timeout=5).read())
    finally:
        server.terminate()
        server.wait(timeout=20)
    # The machine may be shared: a ratio of two neighbouring timings, and the median over rounds, outlast a busy spell.
    ratio = statistics.median(a / b for a, b in zip(rates[article], rates[bare], strict=True))
    return ratio, statistics.median(rates[article]), statistics.median(rates[bare]), size


def _redis_url() -> str | None:
    """The benchmark's Redis database (BENCH_REDIS_URL, default database 7 on 127.0.0.1), emptied; None if down."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except Exception as error:  # not installed or not running: the figure is reported as missing
        print(f"Redis at {url} unavailable ({error}): no Redis figure")
        return None
    return url


def _report(
    label: str, size: int, ratio: float, article_rps: float, base_rps: float, base_label: str, goal: float | None
):
    """Print one figure: median rates and the median of the rounds' ratios, beside its goal."""
    print(
        f"{label}, page {size:,} bytes\n"
        f"  {base_label:<38}{base_rps:>8,.0f} requests/s\n"
        f"  {'article page:':<38}{article_rps:>8,.0f} requests/s\n"
        f"  ratio (median of rounds): {ratio:.2f} "
        + ("(no goal)" if goal is None else f"(goal ≥ {goal}): {'PASS' if ratio >= goal else 'FAIL'}")
    )
    return ratio


def run() -> dict:
    from bench._reader_site import SLUG

    results = {}
    with _database() as (database_url, label):
        env = {
            **os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "editorial.settings",
            "DJANGO_DEBUG": "false", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "READER_STAMP_SECONDS": "1",
            "PYTHONWARNINGS": "ignore:No directory at",  # static files are served without collectstatic here
        }  # fmt: skip
        for name in ("REDIS_URL", "DATABASE_REPLICA_URL", "TASK_BACKEND"):
            env.pop(name, None)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-m", "bench._reader_site", "seed"], cwd=ROOT, env=env, check=True)
        print(
            f"database: {label}; gunicorn {WORKERS} workers on loopback, {CLIENTS} client processes, "
            f"{REQUESTS} requests per URL per round ({MISS_REQUESTS} for cache misses), median of {ROUNDS} rounds; "
            "READER_STAMP_SECONDS=1 (production)"
        )
        bare = "bare view (same bytes from memory):"
        ratio, article, base, size = _serve_and_measure(env, SLUG)
        results["local"] = _report(
            "cached article page, local-memory cache", size, ratio, article, base, bare, GOAL_LOCAL
        )
        redis_url = _redis_url()
        if redis_url:
            ratio, article, base, size = _serve_and_measure({**env, "REDIS_URL": redis_url}, SLUG)
            results["redis"] = _report("cached article page, Redis cache", size, ratio, article, base, bare, GOAL)
        miss_env = {**env, "BENCH_PAGE_CACHE": "off", "READER_STAMP_SECONDS": "0", "READER_LOCAL_PAGES": "0"}
        # Renders are slower than cache hits: fewer requests keep this run as long as the others.
        ratio, article, base, size = _serve_and_measure(
            miss_env, SLUG, baseline="/bench/plain/", requests=MISS_REQUESTS
        )
        plain = "plain Django page (2 queries + template):"
        results["miss"] = _report(
            "cache miss, first request after a publish (the stored page)", size, ratio, article, base, plain,
            GOAL_MISS,
        )  # fmt: skip
        subprocess.run([sys.executable, "-m", "bench._reader_site", "forget"], cwd=ROOT, env=env, check=True)
        ratio, article, base, size = _serve_and_measure(
            miss_env, SLUG, baseline="/bench/plain/", requests=MISS_REQUESTS
        )
        results["render"] = _report(
            "cache miss with nothing stored (every request renders)", size, ratio, article, base, plain, None
        )
    return results
