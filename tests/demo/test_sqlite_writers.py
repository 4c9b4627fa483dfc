"""The SQLite demo never answers 500 on its own writes: the web server, the task worker and the
jobs loop write at once (WAL, IMMEDIATE transactions and a busy timeout in editorial/settings.py).

The suite's database is PostgreSQL, so this runs the demo's commands in child processes on a
throwaway SQLite file."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The demo's jobs loop (the Makefile runs it every minute), here back to back.
JOBS_LOOP = """
import subprocess, sys
for _ in range(5):
    subprocess.run([sys.executable, "manage.py", "run_due_jobs"], check=True)
"""


def _env(db: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "editorial.settings",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "RESOLVERS_ENABLED": "false"}  # fmt: skip
    env.pop("DJANGO_ENV", None)
    return env


def _manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, **kwargs)  # fmt: skip


def test_web_saves_while_the_worker_and_the_jobs_loop_write(tmp_path):
    env = _env(tmp_path / "demo.sqlite3")
    for args in (("migrate", "--noinput"), ("demo_setup",)):
        done = _manage(env, *args)
        assert done.returncode == 0, done.stderr[-2000:]
    assert "wal" in _manage(env, "shell", "-c", "from django.db import connection; c = connection.cursor(); "
                            "print(c.execute('PRAGMA journal_mode').fetchone()[0])").stdout  # fmt: skip
    pipes = {"cwd": ROOT, "env": env, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    worker_cmd = [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay"]
    worker = subprocess.Popen(worker_cmd, **pipes)
    jobs = subprocess.Popen([sys.executable, "-c", JOBS_LOOP], **pipes)
    try:
        web = subprocess.run([sys.executable, "-m", "tests.demo.web_saves", "8", "bone-marrow-edema"], cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=300)  # fmt: skip
        jobs_out, _ = jobs.communicate(timeout=300)
        time.sleep(1)
    finally:
        worker.terminate()
        worker_out, _ = worker.communicate(timeout=60)
        jobs.kill()
    assert web.returncode == 0, web.stdout[-3000:] + web.stderr[-3000:]
    assert "failures=0" in web.stdout
    assert jobs.returncode == 0, jobs_out[-3000:]
    assert "database is locked" not in worker_out + jobs_out + web.stderr, worker_out[-3000:]
