"""Lists that stay fast: every list page at 1,000 and at 100,000 articles, and the ratio.

For each size, seeds a fresh database of its own (``<name>_bench_scale_<size>`` on DATABASE_URL's
PostgreSQL server, dropped afterwards) with COPY: the articles, one revision, ten history rows,
one reference and two assignments each, 70 % live (see ``bench/_scale_site.py``). Then times, in
process with Django's test client, the admin change list with each filter and search, the desks,
a reviewer's assignments, home, topic pages, search and the sitemap index: the rows each page shows,
its queries and median time at each size, and the ratio largest ÷ smallest (goal ≤ 1.5). The seed gives
every filtered list at least a full page of rows at every size (``FLOOR`` in ``bench/_scale_site.py``),
so the pages compared are alike; the rows columns show it.
The sitemap index is timed as computed (its remembered page counts are forgotten before each request).

``python -m bench.scale --sizes 1000,100000`` (the default; also ``BENCH_SCALE_SIZES``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
DEFAULT_SIZES = (1000, 100_000)


def _run_size(size: int) -> dict:
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.scale needs DATABASE_URL on PostgreSQL (make bench sets it).")
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'imprimatur'}_bench_scale_{size}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ, "DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}")), "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT), "READER_STAMP_SECONDS": "0",
        "PYTHONWARNINGS": "ignore:No directory at",  # static files are served without collectstatic here
    }  # fmt: skip
    env.pop("DATABASE_REPLICA_URL", None)
    env.pop("REDIS_URL", None)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        done = subprocess.run(
            [sys.executable, "-m", "bench._scale_site", str(size)], cwd=ROOT, env=env, check=True,
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return json.loads(done.stdout.strip().splitlines()[-1])


# Queries each page may run (the tests pin these at small sizes: "reviewer's assignments" is 8 in
# tests/reviews/test_reviewer_pages.py, with the round labels); the same count at every size.
QUERY_BUDGET = {"admin": 10, "admin desk": 8, "editors' desk": 12, "reviewer's assignments": 8, "home": 3,
                "topic page": 2, "search": 1, "sitemap index": 2}  # fmt: skip
SECONDS_GOAL = 15 * 60


def budget(label: str) -> int:
    """A page's query budget: its own entry, or its family's (every "admin ..." page shares one)."""
    for key in (label, label.split(",")[0], label.split(" ")[0]):
        if key in QUERY_BUDGET:
            return QUERY_BUDGET[key]
    raise KeyError(f"no query budget for {label!r}")


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run(sizes: tuple[int, ...] | None = None) -> dict:
    if sizes is None:
        sizes = tuple(int(s) for s in os.environ.get("BENCH_SCALE_SIZES", "").split(",") if s) or DEFAULT_SIZES
    started = time.perf_counter()
    results = {}
    for size in sizes:
        result = _run_size(size)
        seed = result["seed"]
        counts = ", ".join(f"{value:,} {key}" for key, value in seed["counts"].items())
        print(f"seeded {size:,} articles in {seed['seconds']:.0f} s: {counts}", flush=True)
        results[size] = result["pages"]
    small, large = min(sizes), max(sizes)
    header = f"{'page':<28}" + "".join(f"{f'{s:,}: rows':>14}{'q':>4}{'ms':>8}" for s in sizes)
    print(f"{header}{'ratio':>8}  goal ≤ {GOAL}  queries ≤ budget, same at every size")
    ratios, failed = {}, []
    for label in results[small]:
        row = "".join(f"{results[s][label]['rows']:>14}{results[s][label]['queries']:>4}"
                      f"{results[s][label]['median_ms']:>8.1f}" for s in sizes)  # fmt: skip
        ratio = results[large][label]["median_ms"] / results[small][label]["median_ms"]
        ratios[label] = ratio
        counts = {results[s][label]["queries"] for s in sizes}
        queries_ok = len(counts) == 1 and max(counts) <= budget(label)
        failed += [label] if ratio > GOAL or not queries_ok else []
        print(f"{label:<28}{row}{ratio:>8.2f}  {_verdict(ratio <= GOAL)}  queries {_verdict(queries_ok)} "
              f"(budget {budget(label)})")  # fmt: skip
    worst = max(ratios, key=ratios.get)
    met = sum(r <= GOAL for r in ratios.values())
    seconds = time.perf_counter() - started
    print(
        f"scale ratios {large:,} ÷ {small:,}: {met} of {len(ratios)} pages ≤ {GOAL} (worst: {worst} "
        f"{ratios[worst]:.2f}); {len(ratios) - len(failed)} of {len(ratios)} pages pass both goals"
    )
    print(f"scale bench took {seconds:.0f} s (goal < {SECONDS_GOAL} s): {_verdict(seconds < SECONDS_GOAL)}")
    return {"ratios": ratios, "pages": results, "seconds": seconds, "failed": failed}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated article counts")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
    run(tuple(int(s) for s in parser.parse_args().sizes.split(",")))
