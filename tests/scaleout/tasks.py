"""A task for the worker-failure test: records the process running it, then works for a while."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def long_job(*, pid_file: str, seconds: float) -> str:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(seconds)
    return "finished"
