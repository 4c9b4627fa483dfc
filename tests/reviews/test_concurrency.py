"""Two people acting on one article at once, on PostgreSQL: the row lock serialises them."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.exceptions import StaleEdit, TransitionNotAllowed
from reviews.models import ReviewAssignment, TransitionLog
from reviews.workflow import rounds
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, make_topic, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(fn, results, key):
    try:
        results[key] = fn()
    except Exception as error:  # recorded for the assertions below
        results[key] = error
    finally:
        connection.close()


def test_conflicting_transitions_exactly_one_wins():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    first, second = make_user("ed-one", roles=["editor"]), make_user("ed-two", roles=["editor"])
    article = make_article(status=Article.Status.UNDER_REVIEW)
    holding, release = threading.Event(), threading.Event()
    results = {}

    def reject_and_hold():
        with transaction.atomic():
            workflow.reject(article=article, actor=first, reason="Not supported by the evidence")
            holding.set()
            release.wait(5)  # keep the lock while the other editor tries

    def request_changes():
        holding.wait(5)
        return workflow.request_changes(article=article, actor=second, reason="Please add sources")

    a = threading.Thread(target=_in_thread, args=(reject_and_hold, results, "a"))
    b = threading.Thread(target=_in_thread, args=(request_changes, results, "b"))
    a.start(), b.start()
    holding.wait(5)
    b.join(0.5)
    assert b.is_alive(), "the second transition must wait for the row lock"
    release.set()
    a.join(10), b.join(10)

    assert isinstance(results["b"], TransitionNotAllowed)
    assert "from “rejected”" in str(results["b"])
    article.refresh_from_db()
    assert article.status == Article.Status.REJECTED
    assert list(TransitionLog.objects.filter(article=article).values_list("transition", flat=True)) == ["reject"]
    reasons = [h.history_change_reason for h in article.history.all() if h.history_change_reason]
    assert [r for r in reasons if r.startswith(("reject", "request_changes"))] == [
        "reject: Not supported by the evidence"
    ]


def test_racing_identical_transitions_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editors = [make_user(f"racer{i}", roles=["editor"]) for i in range(2)]
    article = make_article(status=Article.Status.SUBMITTED)
    barrier = threading.Barrier(2)
    results = {}

    def start(editor):
        barrier.wait(5)
        return workflow.start_review(article=article, actor=editor, reason="Go")

    threads = [
        threading.Thread(target=_in_thread, args=(lambda e=e: start(e), results, i)) for i, e in enumerate(editors)
    ]
    [t.start() for t in threads]
    [t.join(10) for t in threads]
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["Article", "TransitionNotAllowed"]
    assert TransitionLog.objects.filter(article=article).count() == 1


def test_concurrent_edits_second_is_refused_and_both_texts_survive():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    ed1, ed2 = make_user("writer-a", roles=["editor"]), make_user("writer-b", roles=["editor"])
    article = make_article()
    start = article.revision
    barrier = threading.Barrier(2)
    results = {}

    def save(editor, text):
        barrier.wait(5)
        content = Content(title=article.title, body=text, references=[])
        return workflow.edit(article=article, actor=editor, content=content, reason="edit", expected_revision=start)

    a = threading.Thread(target=_in_thread, args=(lambda: save(ed1, "First editor's text."), results, "a"))
    b = threading.Thread(target=_in_thread, args=(lambda: save(ed2, "Second editor's text."), results, "b"))
    a.start(), b.start()
    a.join(10), b.join(10)
    stale = [r for r in results.values() if isinstance(r, StaleEdit)]
    saved = [r for r in results.values() if isinstance(r, tuple)]
    assert len(stale) == 1 and len(saved) == 1
    article.refresh_from_db()
    assert article.revision == start + 1
    assert article.body.strip() in ("First editor's text.", "Second editor's text.")


def test_a_topic_moved_into_while_its_quorum_changes_gets_the_new_quorums_flag():
    """An editor moves an article under review into a topic while the editor-in-chief raises that topic's
    quorum: the move waits for the quorum change, so the stored "needs a reviewer" counts the new quorum."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editor = make_user("ed-move", roles=["editor"])
    single, double = make_topic(name="Neurology", required_approvals=1), make_topic(name="Oncology")
    article = make_article(status=Article.Status.UNDER_REVIEW, topic=single)
    reviewer = make_reviewer("dr-quorum")
    ReviewAssignment.objects.create(
        article=article, reviewer=reviewer, revision=article.revision, status=ReviewAssignment.Status.ACCEPTED,
        assigned_by=editor, due_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    rounds.desk_flag_refresh(article_id=article.pk)
    article.refresh_from_db()
    assert not article.needs_reviewer  # 1 of 1
    holding, release = threading.Event(), threading.Event()
    results = {}

    def raise_quorum_and_hold():
        def save():
            double.required_approvals = 2
            double.save()
            holding.set()
            release.wait(5)  # the quorum change is not committed yet

        rounds.topic_quorum_change(topic=double, save=save)

    def move_into_the_topic():
        holding.wait(5)
        return workflow.article_edit(
            article=article, actor=editor, content=content_of(article), metadata={"topic": double},
            reason="Belongs with oncology", expected_revision=article.revision, expected_version=article.version,
        )  # fmt: skip

    a = threading.Thread(target=_in_thread, args=(raise_quorum_and_hold, results, "a"))
    b = threading.Thread(target=_in_thread, args=(move_into_the_topic, results, "b"))
    a.start(), b.start()
    holding.wait(5)
    b.join(0.5)
    assert b.is_alive(), "the move must wait for the quorum change in flight"
    release.set()
    a.join(10), b.join(10)
    assert not isinstance(results.get("b"), Exception), results.get("b")
    counted = set(rounds.needs_reviewer_counted(Article.objects.all()).values_list("pk", flat=True))
    assert counted == {article.pk}  # 1 of 2 on the new topic
    assert set(Article.objects.filter(needs_reviewer=True).values_list("pk", flat=True)) == counted
