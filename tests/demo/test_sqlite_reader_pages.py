"""The SQLite demo answers every reader page: SQLite refuses some SQL PostgreSQL takes (a LIMIT inside
a UNION's subquery broke home once), and the suite's database is PostgreSQL, so this runs the
demo's commands and its reader pages in child processes on a throwaway SQLite file."""

import subprocess
import sys

from tests.demo.test_sqlite_writers import ROOT, _env, _manage

PAGES = """
from django.test import Client
from articles.models import Article, Topic
client = Client(raise_request_exception=False)
live = Article.objects.filter(live_publication__isnull=False)
urls = ["/", "/topics/", "/search/?q=spinal", "/sitemap.xml", *(f"/topics/{t.slug}/" for t in Topic.objects.all()),
        *(f"/articles/{a.slug}/" for a in live)]
assert live.exists()
for url in urls:
    print(url, client.get(url, HTTP_HOST="127.0.0.1").status_code)
"""


def test_reader_pages_answer_on_the_sqlite_demo(tmp_path):
    env = _env(tmp_path / "demo.sqlite3")
    env.pop("DATABASE_REPLICA_URL", None)  # the demo reads from its one SQLite file
    for args in (("migrate", "--noinput"), ("demo_setup",)):
        done = _manage(env, *args)
        assert done.returncode == 0, done.stderr[-2000:]
    shown = subprocess.run([sys.executable, "manage.py", "shell", "-c", PAGES], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert shown.returncode == 0, shown.stderr[-3000:]
    answers = dict(line.rsplit(" ", 1) for line in shown.stdout.splitlines() if line.startswith("/"))
    assert len(answers) >= 5 and set(answers.values()) == {"200"}, answers
