"""A task for the worker fault test: it sleeps long enough to be killed mid-run, then leaves a mark."""

import time
from pathlib import Path

from django_tasks import task


@task()
def sleep_then_mark(*, seconds: float, mark: str) -> str:
    time.sleep(seconds)
    Path(mark).write_text("finished")
    return "finished"
