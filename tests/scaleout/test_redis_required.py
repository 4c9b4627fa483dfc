"""Under CI=true the Redis tests fail, never skip, when Redis cannot be reached (and skip elsewhere).

Each check runs pytest in a subprocess on the probe below, with REDIS_TEST_URL at a closed port.
"""

import os
import socket
import subprocess
import sys

import redis

from tests.scaleout.conftest import ROOT

PROBE = f"{__file__}::test_the_test_redis_answers"


def test_the_test_redis_answers(redis_url):
    assert redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping() is True


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def _run_probe(*, ci: bool) -> tuple[subprocess.CompletedProcess, str]:
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    env = {key: value for key, value in os.environ.items() if key not in ("CI", "REDIS_URL")}
    env |= {"REDIS_TEST_URL": url, **({"CI": "true"} if ci else {})}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", PROBE, "-q", "-p", "no:cacheprovider", "-o", "addopts=-ra --strict-markers"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    return done, url


def test_under_ci_a_missing_redis_fails_the_redis_tests():
    done, url = _run_probe(ci=True)
    assert done.returncode != 0, done.stdout
    assert f"Redis is not reachable at {url}" in done.stdout
    assert "1 error" in done.stdout and "skipped" not in done.stdout


def test_outside_ci_a_missing_redis_skips_the_redis_tests():
    done, url = _run_probe(ci=False)
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout and f"Redis is not reachable at {url}" in done.stdout
