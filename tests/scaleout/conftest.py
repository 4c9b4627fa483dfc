"""The scale-out profile on real services: Redis at REDIS_TEST_URL, RQ worker and app processes.

Every test here is marked ``redis``. Without a reachable Redis they skip, except under CI=true,
where they fail (``.ci/run`` starts redis-server first). Processes share the test database,
so the tests commit their data (transactional database).
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/5")


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.redis)


@pytest.fixture(scope="session")
def redis_url():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as error:  # not installed or not running
        message = f"Redis is not reachable at {REDIS_TEST_URL} ({error}); start redis-server or set REDIS_TEST_URL."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()  # this database number belongs to the test run
    yield REDIS_TEST_URL
    client.flushdb()


@pytest.fixture
def on_redis(settings, redis_url):
    """This process's cache and task backend on the real Redis, as a scaled-out server has them."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    return redis_url


def process_env(redis_url: str, **extra) -> dict:
    """Environment of a worker or app process: the test database, the test Redis, the RQ backend."""
    db = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_REPLICA_URL"}
    return {
        **env,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "TASK_BACKEND": "rq",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DB_CONN_MAX_AGE": "0",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def rq_worker(on_redis, transactional_db):
    """A real ``manage.py rqworker`` process on the test Redis and the test database."""
    process = subprocess.Popen(
        [sys.executable, "manage.py", "rqworker", "default", "--with-scheduler", "--worker-ttl", "5"],
        cwd=ROOT, env=process_env(on_redis), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(0.5)
    assert process.poll() is None, process.stderr.read().decode()
    yield process
    stop(process)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; returns its value, or fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"not within {timeout} s: {getattr(predicate, '__doc__', None) or predicate}")
