"""No lost updates: a save from an older version of the article row is refused with what changed.

The approve-during-edit sequence: an editor opens the change page of an article under review, a
reviewer approves (setting the re-review date), the editor presses Save without changing anything.
"""

import re
import threading
from html import unescape

import pytest
from django.db import connection, transaction
from django.urls import reverse

from articles.models import Article
from articles.revisions import content_of
from reviews.exceptions import StaleArticle
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user


def _under_review(editor):
    article = make_article()
    article = workflow.submit(article=article, actor=editor)
    article = workflow.start_review(article=article, actor=editor)
    reviewer = make_reviewer("approver")
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer, assigned_by=editor))
    return article, reviewer


def _hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="(\d+)"', page).group(1)


def _unchanged_form(article, page: str) -> dict:
    return {
        "title": article.title, "summary": article.summary, "body": article.body,
        "topic": article.topic_id, "audience": article.audience, "variant_of": "", "next_review_due": "",
        "change_reason": "Looked it over", "expected_revision": _hidden(page, "expected_revision"),
        "expected_version": _hidden(page, "expected_version"),
        "references-TOTAL_FORMS": 0, "references-INITIAL_FORMS": 0,
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
    }  # fmt: skip


@pytest.mark.django_db
def test_every_write_bumps_the_version():
    editor = make_user("bumper", roles=["editor"])
    article = make_article()
    assert article.version == 1
    article = workflow.submit(article=article, actor=editor)
    assert article.version == 2
    article, _ = workflow.article_edit(
        article=article, actor=editor, content=content_of(article), metadata={"audience": "patient"},
        reason="for patients", expected_revision=article.revision, expected_version=2,
    )  # fmt: skip
    article.refresh_from_db()
    assert article.version == 3 and article.history.first().version == 3


@pytest.mark.django_db
def test_save_unchanged_after_an_approval_is_refused_and_the_review_date_kept(client):
    editor = make_user("desk-ed", roles=["editor"])
    client.force_login(editor)
    article, reviewer = _under_review(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    page = client.get(url).content.decode()
    data = _unchanged_form(article, page)

    approved = workflow.approve(article=article, actor=reviewer.user)
    due = approved.next_review_due
    assert due is not None

    response = client.post(url, data)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "This article changed while you were editing" in html
    assert "next review due, status, last reviewed at changed (approve: Sign-off rule met)" in html
    article.refresh_from_db()
    assert article.next_review_due == due and article.status == Article.Status.APPROVED
    assert article.version == approved.version
    # The refused form now shows the stored date, so a second deliberate save keeps it.
    assert f'value="{due.isoformat()}"' in html or f'value="{due:%Y-%m-%d}"' in html


@pytest.mark.django_db(transaction=True)
def test_approval_racing_a_desk_save_wins_and_the_save_is_refused():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editor = make_user("race-ed", roles=["editor"])
    article, reviewer = _under_review(editor)
    opened = Article.objects.get(pk=article.pk)  # what the editor's form was built from
    holding, release = threading.Event(), threading.Event()
    results = {}

    def approve_and_hold():
        with transaction.atomic():
            results["approved"] = workflow.approve(article=article, actor=reviewer.user)
            holding.set()
            release.wait(5)

    def save_unchanged():
        holding.wait(5)
        return workflow.article_edit(
            article=opened, actor=editor, content=content_of(opened), metadata={"next_review_due": None},
            reason="unchanged", expected_revision=opened.revision, expected_version=opened.version,
        )  # fmt: skip

    def run(fn, key):
        try:
            results[key] = fn()
        except Exception as error:  # recorded for the assertions below
            results[key] = error
        finally:
            connection.close()

    a = threading.Thread(target=run, args=(approve_and_hold, "a"))
    b = threading.Thread(target=run, args=(save_unchanged, "b"))
    a.start(), b.start()
    holding.wait(5)
    b.join(0.5)
    assert b.is_alive(), "the desk save must wait for the approval's row lock"
    release.set()
    a.join(10), b.join(10)

    assert isinstance(results["b"], StaleArticle), results["b"]
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.status == Article.Status.APPROVED and fresh.next_review_due is not None
