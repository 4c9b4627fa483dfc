"""The cache and the task queue on the real Redis, with a real RQ worker process."""

import os
import re
import signal
import subprocess
import sys

import pytest
import redis
from django.core.cache import cache
from django_tasks import TaskResultStatus, default_task_backend

from articles import reader, selectors
from articles.models import Article, StoredPage, ValidationReport
from articles.revisions import article_create
from reviews.models import Notification
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import (
    CLEAN_BODY,
    CLEAN_REFERENCES,
    make_article,
    make_publication,
    make_reviewer,
    make_topic,
    make_user,
    take_through_review,
)
from tests.scaleout.conftest import ROOT, process_env, wait_for
from tests.scaleout.tasks import long_job

pytestmark = pytest.mark.django_db(transaction=True)


def _without_nonce(content: bytes) -> bytes:
    """The page as cached: only the per-response CSP nonce differs between two responses."""
    return re.sub(rb' nonce="[^"]+"', b"", content)


def test_article_pages_are_cached_in_redis(client, on_redis):
    article = make_article(status=Article.Status.APPROVED)
    make_publication(article=article)
    first = client.get(article.get_absolute_url())
    assert first.status_code == 200
    keys = redis.Redis.from_url(on_redis).keys("*reader:article:*")
    assert len(keys) == 1  # the rendered page, stored in Redis for every app server
    assert cache.get(keys[0].decode().split(":", 2)[-1]) == _without_nonce(first.content)
    assert _without_nonce(client.get(article.get_absolute_url()).content) == _without_nonce(first.content)


def test_a_new_revision_is_validated_by_the_worker(rq_worker):
    author = make_user("rq-author", roles=["author"])
    article = article_create(
        title="Validated on the worker", slug="validated-on-the-worker", author=author, actor=author,
        reason="first draft", body=CLEAN_BODY, references=CLEAN_REFERENCES, topic=make_topic(),
    )  # fmt: skip
    report = wait_for(lambda: ValidationReport.objects.filter(revision__article=article).first(), timeout=30)
    assert report.revision.number == 1 and report.errors == 0


def test_workflow_notices_are_sent_by_the_worker(rq_worker, editor):
    author = make_user("rq-writer", roles=["author"])
    article = make_article(author=author)
    workflow.submit(article=article, actor=author)
    workflow.start_review(article=article, actor=editor)
    notice = wait_for(lambda: Notification.objects.filter(recipient=author.email).first(), timeout=30)
    assert "review" in notice.subject.lower()


def test_a_worker_killed_mid_task_leaves_the_job_visibly_failed(rq_worker, tmp_path):
    pid_file = tmp_path / "pid"
    result = long_job.enqueue(pid_file=str(pid_file), seconds=60)
    pid = int(wait_for(lambda: pid_file.exists() and pid_file.read_text(), timeout=30))
    assert wait_for(lambda: default_task_backend.get_result(result.id).status == TaskResultStatus.RUNNING, timeout=10)
    os.kill(pid, signal.SIGKILL)  # the process running the task dies, as on an out-of-memory kill

    def failed():
        return default_task_backend.get_result(result.id).status == TaskResultStatus.FAILED

    assert wait_for(failed, timeout=30)  # not lost: recorded as failed, where an operator sees it
    assert rq_worker.poll() is None  # and the worker goes on with the next job
    again = long_job.enqueue(pid_file=str(tmp_path / "pid2"), seconds=0)
    assert wait_for(lambda: default_task_backend.get_result(again.id).status == TaskResultStatus.SUCCESSFUL, timeout=30)


def test_a_job_queued_while_no_worker_runs_is_done_when_one_starts(on_redis, tmp_path):
    result = long_job.enqueue(pid_file=str(tmp_path / "pid"), seconds=0)
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.READY
    burst = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"], cwd=ROOT, env=process_env(on_redis),
        capture_output=True, timeout=60,
    )  # fmt: skip
    assert burst.returncode == 0, burst.stderr.decode()
    assert default_task_backend.get_result(result.id).status == TaskResultStatus.SUCCESSFUL


def test_a_publish_has_its_page_stored_by_the_worker(rq_worker, editor, client):
    article = take_through_review(make_article(), editor=editor, reviewer=make_reviewer("rq-store"))
    publishing.publish(article=article, actor=editor, reason="First publication")
    stored = wait_for(lambda: StoredPage.objects.filter(article_id=article.pk).first(), timeout=30)
    stamp = selectors.article_page_stamp(slug=article.slug, fresh=True)
    assert stored.identity == reader.page_identity(stamp=stamp, missing_variant=False).cache_key
    response = client.get(article.get_absolute_url())
    assert _without_nonce(response.content) == _without_nonce(bytes(stored.html))
