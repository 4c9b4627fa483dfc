"""One approval POST, one decision: the article row is locked once and the validation report read once."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from reviews.assignments import services as assignments
from reviews.models import CHECKLIST, ReviewAssignment
from reviews.workflow import gate
from tests.factories import TEST_PASSWORD, make_article, make_reviewer

pytestmark = pytest.mark.django_db
BODY = "Take 5 mg of the drug twice daily [1]."


def _locks_of(sql_list: list[str], table: str) -> int:
    return sum(1 for sql in sql_list if "FOR UPDATE" in sql and re.search(rf'FROM "{table}"', sql))


def _reads_of(sql_list: list[str], table: str) -> int:
    return sum(
        1 for sql in sql_list if sql.lstrip().upper().startswith("SELECT") and re.search(rf'FROM "{table}"', sql)
    )


def test_the_approving_post_locks_the_article_once_and_reads_the_report_once(client, editor, author):
    article = make_article(author=author, status=Article.Status.SUBMITTED, body=BODY)
    due = timezone.now() + timedelta(days=7)
    reviewer, other = make_reviewer("neuro", specialty="Neuroradiology"), make_reviewer("other", specialty="Oncology")
    mine = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due)
    theirs = assignments.assignment_create(article=article, reviewer=other, actor=editor, due_at=due)
    assignments.assignment_accept(assignment=mine, actor=reviewer.user, conflict="none")
    article.refresh_from_db()
    data = {"revision": article.revision, "decision": "approve", "password": TEST_PASSWORD,
            **{f"check_{key}": "on" for key, _ in CHECKLIST}}  # fmt: skip
    data["acknowledged"] = [w["key"] for w in gate.warnings_to_acknowledge(article=article)]
    client.force_login(reviewer.user)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(f"/review/assignments/{mine.pk}/decision/", data)
    assert response.status_code == 302
    article.refresh_from_db()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    assert (mine.status, theirs.status) == (ReviewAssignment.Status.SUBMITTED, ReviewAssignment.Status.WITHDRAWN)
    sql = [query["sql"] for query in captured.captured_queries]
    assert _locks_of(sql, "articles_article") == 1
    assert _reads_of(sql, "articles_validationreport") == 1


def test_the_counters_see_a_second_lock_and_a_second_read():
    """The helpers above count what they say: two locks and two reads are two."""
    sql = [
        'SELECT "articles_article"."id" FROM "articles_article" WHERE "id" = 1 FOR UPDATE OF "articles_article"',
        'SELECT "articles_article"."id" FROM "articles_article" WHERE "id" = 1 FOR UPDATE OF "articles_article"',
        'SELECT "articles_validationreport"."id" FROM "articles_validationreport" WHERE "revision_id" = 1',
        'SELECT "articles_validationreport"."id" FROM "articles_validationreport" WHERE "revision_id" = 1',
        'UPDATE "articles_article" SET "status" = \'approved\'',
    ]
    assert (_locks_of(sql, "articles_article"), _reads_of(sql, "articles_validationreport")) == (2, 2)
