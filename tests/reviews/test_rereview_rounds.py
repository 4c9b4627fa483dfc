"""Rounds that move by themselves: a re-review started by the schedule or the evidence watch opens
a new round, re-invites the previous reviewers, and every notice of the run works with no person acting."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished

from articles.models import Article
from reviews.admin import selectors as desk
from reviews.assignments.decisions import review_submit
from reviews.assignments.services import assignment_accept, assignment_create
from reviews.models import CHECKLIST, ReviewAssignment
from reviews.publishing import services as publishing
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_topic, make_user

S = Article.Status
A = ReviewAssignment.Status
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def task_results():
    """Every task result the immediate backend finished during the test."""
    finished = []

    def record(sender, task_result, **kwargs):
        finished.append(task_result)

    task_finished.connect(record)
    yield finished
    task_finished.disconnect(record)


def _approve_through_the_board(article, *, reviewer, editor, capture):
    """Invite, accept and approve through the real services, as the board does."""
    with capture(execute=True):
        if article.status == S.DRAFT:
            workflow.submit(article=article, actor=editor)
        assignment = assignment_create(
            article=article, reviewer=reviewer, actor=editor, due_at=START + timedelta(days=10)
        )
        assignment_accept(assignment=assignment, actor=reviewer.user, conflict=ReviewAssignment.Conflict.NONE)
        _decide(assignment, reviewer)
    article.refresh_from_db()
    return article


def _decide(assignment, reviewer):
    article = Article.objects.get(pk=assignment.article_id)
    review_submit(
        assignment=assignment, actor=reviewer.user, revision=article.revision, decision="approve",
        checklist={key: True for key, _label in CHECKLIST}, comments="Accurate and current.",
        acknowledged=[f["key"] for f in gate.warnings_to_acknowledge(article=article)], password=TEST_PASSWORD,
    )  # fmt: skip


@pytest.fixture
def live_article(db, django_capture_on_commit_callbacks):
    """An article the board approved on 2 March 2026 and an editor published; re-review due in 30 days."""
    editor = make_user("desk-editor", roles=["editor"], email="editor@example.org")
    reviewer = make_reviewer("dr-round", licence_expires=START.date() + timedelta(days=3650))
    reviewer.user.email = "dr-round@example.org"
    reviewer.user.save()
    author = make_user("round-author", roles=["author"], email="author@example.org")
    with time_machine.travel(START, tick=False):
        article = make_article(author=author, topic=make_topic("Neurology", rereview_interval_days=30))
        article = _approve_through_the_board(
            article, reviewer=reviewer, editor=editor, capture=django_capture_on_commit_callbacks
        )
        publishing.publish(article=article, actor=editor, reason="Approved by the board")
    article.refresh_from_db()
    assert article.status == S.APPROVED and article.next_review_due == START.date() + timedelta(days=30)
    return article, reviewer, editor


def _run_due_jobs():
    call_command("run_due_jobs", stdout=StringIO())


@pytest.mark.django_db
def test_a_scheduled_rereview_runs_to_a_new_publication_and_every_notice_succeeds(
    live_article, task_results, django_capture_on_commit_callbacks, client
):
    article, reviewer, editor = live_article
    first_live = article.live_publication
    mail.outbox.clear()
    task_results.clear()
    due = START + timedelta(days=30, hours=1)
    with time_machine.travel(due, tick=False), django_capture_on_commit_callbacks(execute=True):
        _run_due_jobs()
    article.refresh_from_db()
    assert article.status == S.SUBMITTED and article.live_publication_id == first_live.pk
    # The previous reviewer is invited to the new round with a due date; the old decision no longer counts.
    invited = ReviewAssignment.objects.get(article=article, status=A.INVITED)
    assert invited.reviewer == reviewer and invited.due_at == due + timedelta(days=14)
    assert ReviewAssignment.objects.get(article=article, status=A.STALE).decision == "approve"
    assert gate.signoff_missing(article=article) is not None
    assert "by the scheduled re-review" in invited.history.latest().history_change_reason
    invitation = next(m for m in mail.outbox if m.to == ["dr-round@example.org"])
    assert "\nThe scheduled re-review invites you to review" in invitation.body
    notice = next(m for m in mail.outbox if m.to == ["author@example.org"])
    assert notice.body.startswith("The scheduled re-review moved")
    # The publishing desk lists the running re-review.
    assert article in desk.desk_overview()["rereview_running"]

    with (
        time_machine.travel(due + timedelta(days=12, hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _run_due_jobs()
    assert any("Reminder" in m.subject and m.to == ["dr-round@example.org"] for m in mail.outbox)

    with time_machine.travel(due + timedelta(days=13), tick=False), django_capture_on_commit_callbacks(execute=True):
        invited.refresh_from_db()
        assignment_accept(assignment=invited, actor=reviewer.user, conflict=ReviewAssignment.Conflict.NONE)
        _decide(invited, reviewer)
        article.refresh_from_db()
        assert article.status == S.APPROVED
        second = publishing.publish(article=article, actor=editor, reason="Re-reviewed")
    assert second.revision_id == first_live.revision_id and not second.provisional
    assert second.reviewer_credits[0]["approved_at"].startswith((due + timedelta(days=13)).date().isoformat())
    assert client.get(f"/articles/{article.slug}/").status_code == 200

    kinds = {result.task.name for result in task_results}
    assert {"transition_notice", "invitation_notice", "reminder_notice"} <= kinds
    failed = [(r.task.name, r.errors) for r in task_results if r.status != TaskResultStatus.SUCCESSFUL]
    assert failed == []


@pytest.mark.django_db
def test_a_round_with_no_eligible_reviewer_is_listed_as_needing_a_reviewer(live_article):
    article, reviewer, editor = live_article
    reviewer.active = False
    reviewer.save()
    with time_machine.travel(START + timedelta(days=31), tick=False):
        _run_due_jobs()
        board = desk.dashboard_for_editor(user=editor)
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    assert not ReviewAssignment.objects.filter(article=article, status=A.INVITED).exists()
    assert [a.pk for a in board.waiting] == [article.pk]


@pytest.mark.django_db
def test_the_evidence_watch_is_named_in_the_notice_of_the_step_it_took(
    live_article, task_results, django_capture_on_commit_callbacks
):
    article, reviewer, _editor = live_article
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start_rereview(article=article, actor=None, reason="cited work retracted", job="the evidence watch")
    assert ReviewAssignment.objects.get(article=article, status=A.INVITED).reviewer == reviewer
    notice = next(m for m in mail.outbox if m.to == ["author@example.org"])
    assert notice.body.startswith("The evidence watch moved")
    assert task_results and all(r.status == TaskResultStatus.SUCCESSFUL for r in task_results)
