"""Importing one article file with 10,000 references (issue 11: ~38 s when each reference and its
history row were written one at a time), then importing it again unchanged.

Runs in a database of its own (``<name>_bench_import`` on DATABASE_URL's server, or in-memory SQLite),
created and dropped here. Validation is queued as a task, as in production, so this times the import.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.validation import body_for, reference_lines

COUNT = int(os.environ.get("BENCH_IMPORT_REFERENCES", "10000"))


def _article_file(folder: Path, count: int) -> Path:
    path = folder / "many-references.md"
    references = "\n".join(f"{n}. {line}" for n, line in enumerate(reference_lines(count), 1))
    path.write_text(
        "---\ntitle: An article citing many studies\ntopic: Oncology\naudience: clinician\n---\n"
        f"{body_for(count)}\n\n## References\n{references}\n"
    )
    return path


def _outcome(result) -> str:
    return f"{result.outcome}: {result.message[:300]}" if result.message else result.outcome


def run() -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    from reviews.jobs.importing import import_file

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = (
        f"{settings.DATABASES['default']['NAME']}_bench_import"
    )
    if connection.vendor == "sqlite":
        settings.DATABASES["default"]["TEST"]["NAME"] = None  # in memory
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        actor = get_user_model().objects.create_user("bench-importer", is_staff=True)
        actor.groups.add(*Group.objects.filter(name="editor"))  # editors may import over an existing article
        with tempfile.TemporaryDirectory() as folder:
            path = _article_file(Path(folder), COUNT)
            start = time.perf_counter()
            first = import_file(path=path, actor=actor)
            import_seconds = time.perf_counter() - start
            start = time.perf_counter()
            again = import_file(path=path, actor=actor)
            reimport_seconds = time.perf_counter() - start
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"import: {import_seconds:.2f} s for one file with {COUNT:,} references ({_outcome(first)})")
    print(f"import again, unchanged: {reimport_seconds:.2f} s ({_outcome(again)})")
    return {"import_seconds": import_seconds, "reimport_seconds": reimport_seconds}
