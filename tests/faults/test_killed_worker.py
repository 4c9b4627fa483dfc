"""A db_worker killed (SIGKILL) mid-task leaves the task "running" with nobody running it; recovery
queues it again for another worker, and after TASK_MAX_ATTEMPTS lost workers marks it visibly failed."""

import io
import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reviews.jobs.task_recovery import tasks_recover_abandoned
from tests.faults.cluster import ROOT, project_env, wait_for
from tests.faults.tasks import sleep_then_mark


@pytest.fixture
def database_queue(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    db = django_settings.DATABASES["default"]
    user, host, port = db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return project_env(f"postgres://{user}{password}@{host}:{port}/{db['NAME']}", TASK_BACKEND="database")


def _worker(env, *args):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay", *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _kill_mid_task(env, result_id) -> None:
    worker = _worker(env)
    try:
        running = wait_for(lambda: DBTaskResult.objects.get(pk=result_id).status == "RUNNING", seconds=60)
        assert running, "the worker never claimed the task"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def test_a_task_whose_worker_is_killed_is_run_again_by_another_worker(database_queue, tmp_path):
    mark = tmp_path / "mark"
    result = sleep_then_mark.enqueue(seconds=4, mark=str(mark))
    _kill_mid_task(database_queue, result.id)
    stuck = DBTaskResult.objects.get(pk=result.id)
    assert stuck.status == "RUNNING" and not mark.exists()  # what django-tasks-db alone leaves behind

    assert tasks_recover_abandoned(started_before=timezone.now() + timedelta(hours=1)).requeued == [str(result.id)]
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"

    batch = _worker(database_queue, "--batch")
    assert batch.wait(timeout=120) == 0
    done = DBTaskResult.objects.get(pk=result.id)
    assert done.status == "SUCCESSFUL" and done.return_value == "finished" and mark.read_text() == "finished"
    assert len(done.worker_ids) == 2


def test_a_task_that_keeps_losing_its_worker_is_marked_failed_not_left_running(database_queue, tmp_path):
    result = sleep_then_mark.enqueue(seconds=60, mark=str(tmp_path / "mark"))
    later = timezone.now() + timedelta(hours=1)
    _kill_mid_task(database_queue, result.id)
    assert tasks_recover_abandoned(started_before=later, max_attempts=2).requeued == [str(result.id)]
    _kill_mid_task(database_queue, result.id)
    assert tasks_recover_abandoned(started_before=later, max_attempts=2).failed == [str(result.id)]

    failed = DBTaskResult.objects.get(pk=result.id)
    assert failed.status == "FAILED" and failed.finished_at is not None
    assert failed.exception_class_path == "reviews.jobs.task_recovery.WorkerLost"
    assert "stopped while running tests.faults.tasks.sleep_then_mark" in failed.traceback
    assert sleep_then_mark.get_result(result.id).status.name == "FAILED"


def test_a_task_running_within_its_timeout_is_left_alone(database_queue, settings):
    settings.TASK_RUNNING_TIMEOUT_SECONDS = 600
    result = sleep_then_mark.enqueue(seconds=0, mark="/dev/null")
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("a-live-worker")
    assert tasks_recover_abandoned() == tasks_recover_abandoned().__class__()
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"


def test_run_due_jobs_recovers_a_task_whose_worker_was_killed(database_queue, tmp_path, settings):
    """The cron entry point runs the recovery, so nobody has to remember a second command."""
    result = sleep_then_mark.enqueue(seconds=60, mark=str(tmp_path / "mark"))
    _kill_mid_task(database_queue, result.id)
    settings.TASK_RUNNING_TIMEOUT_SECONDS = 0
    out = io.StringIO()
    call_command("run_due_jobs", stdout=out)
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
    assert "Tasks whose worker died: 1 queued again, 0 marked failed." in out.getvalue()
