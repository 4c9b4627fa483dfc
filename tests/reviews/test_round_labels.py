"""The kind of round an assignment belongs to, said the same way in the invitation and the reviewer's
lists: "new article", "re-review (scheduled)", "re-review (evidence)" or "changes since revision N"."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article
from articles.revisions import Content
from reviews.assignments import labels
from reviews.assignments.selectors import assignments_for_reviewer
from reviews.assignments.services import assignment_create
from reviews.models import REREVIEW_EVIDENCE_REASON, ReviewAssignment
from reviews.workflow import transitions as workflow
from tests.factories import (
    force_status,
    make_approval,
    make_article,
    make_assignment,
    make_reviewer,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db
A = ReviewAssignment.Status
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def board():
    editor = make_user("label-editor", roles=["editor"], email="editor@example.org")
    reviewer = make_reviewer("dr-label", licence_expires=START.date() + timedelta(days=3650))
    reviewer.user.email = "dr-label@example.org"
    reviewer.user.save()
    author = make_user("label-author", roles=["author"], email="author@example.org")
    return editor, reviewer, author


def _invitation(to: str):
    return next(m for m in mail.outbox if m.to == [to] and m.subject.startswith("[Imprimatur] Invitation"))


def _approved(board, capture):
    editor, reviewer, author = board
    with time_machine.travel(START, tick=False), capture(execute=True):
        article = make_article(author=author, topic=make_topic("Neurology", rereview_interval_days=30))
        workflow.submit(article=article, actor=author)
        workflow.start_review(article=article, actor=editor)
        accepted = make_assignment(article=article, reviewer=reviewer, assigned_by=editor, responded_at=START)
        make_approval(assignment=accepted)
        workflow.approve(article=article, actor=reviewer.user)
    article.refresh_from_db()
    return article


def test_a_first_invitation_says_new_article(board, django_capture_on_commit_callbacks):
    editor, reviewer, author = board
    article = make_article(author=author)
    workflow.submit(article=article, actor=author)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignment_create(
            article=article, reviewer=reviewer, actor=editor, due_at=datetime.now(UTC) + timedelta(days=10)
        )
    assert "for the advisory board: new article." in _invitation("dr-label@example.org").body
    assert labels.round_label(assignment=assignment) == "new article"
    assert [a.round_label for a in assignments_for_reviewer(user=reviewer.user).pending] == ["new article"]


def test_a_scheduled_rereview_is_labelled_in_the_invitation_and_the_lists(
    board, django_capture_on_commit_callbacks, client
):
    _, reviewer, _ = board
    article = _approved(board, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with time_machine.travel(START + timedelta(days=31), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("run_due_jobs", stdout=StringIO())
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert "for the advisory board: re-review (scheduled)." in _invitation("dr-label@example.org").body
    mine = assignments_for_reviewer(user=reviewer.user)
    assert [a.round_label for a in mine.pending + mine.overdue] == ["re-review (scheduled)"]
    # The first round is done (its assignment went stale when the re-review began) and says which it was.
    assert [(a.revision, a.round_label) for a in mine.done] == [(1, "new article")]
    client.force_login(reviewer.user)
    page = client.get(reverse("reviews:assignments")).content.decode()
    assert "re-review (scheduled)" in page and "new article" in page


def test_an_evidence_rereview_is_labelled_evidence(board, django_capture_on_commit_callbacks):
    article = _approved(board, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.start_rereview(
            article=article, actor=None, job="the evidence watch",
            reason=f"{REREVIEW_EVIDENCE_REASON}retracted since approval: reference 1",
        )  # fmt: skip
    assert "for the advisory board: re-review (evidence)." in _invitation("dr-label@example.org").body
    invited = ReviewAssignment.objects.get(article=article, status=A.INVITED)
    assert labels.round_label(assignment=invited) == "re-review (evidence)"


def test_an_editor_started_rereview_counts_as_scheduled(board, django_capture_on_commit_callbacks):
    editor, _, _ = board
    article = _approved(board, django_capture_on_commit_callbacks)
    workflow.start_rereview(article=article, actor=editor, reason="Yearly check brought forward")
    invited = ReviewAssignment.objects.get(article=article, status=A.INVITED)
    assert labels.round_label(assignment=invited) == "re-review (scheduled)"


def test_a_resubmission_says_changes_since_the_reviewed_revision(board, django_capture_on_commit_callbacks):
    _, reviewer, author = board
    article = make_article(author=author, status=Article.Status.UNDER_REVIEW)
    first = make_assignment(article=article, reviewer=reviewer, status=A.SUBMITTED, responded_at=START)
    make_approval(assignment=first)
    force_status(article, Article.Status.CHANGES_REQUESTED)
    workflow.edit(
        article=article, actor=author, reason="Dose corrected", expected_revision=1,
        content=Content(title=article.title, summary=article.summary, body=article.body + "\n\nA new paragraph.",
                        references=list(article.revisions.get(number=1).references)),
    )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=Article.objects.get(pk=article.pk), actor=author)
    assert "for the advisory board: changes since revision 1." in _invitation("dr-label@example.org").body
    mine = assignments_for_reviewer(user=reviewer.user)
    assert [(a.revision, a.round_label) for a in mine.pending] == [(2, "changes since revision 1")]
    assert [(a.revision, a.round_label) for a in mine.done] == [(1, "new article")]


def test_done_lists_each_round_once_and_costs_the_same_queries_for_more_rounds(
    board, client, django_assert_max_num_queries
):
    _, reviewer, author = board
    for n in range(6):
        article = make_article(author=author, title=f"Round article {n}", status=Article.Status.UNDER_REVIEW)
        # Withdrawn, then invited again and decided within the same round: one row in Done.
        make_assignment(article=article, reviewer=reviewer, status=A.WITHDRAWN)
        decided = make_assignment(article=article, reviewer=reviewer, status=A.SUBMITTED, responded_at=START)
        make_approval(assignment=decided)
    done = assignments_for_reviewer(user=reviewer.user).done
    assert len(done) == 6 and all(a.status == A.SUBMITTED for a in done)
    assert {a.round_label for a in done} == {"new article"}
    client.force_login(reviewer.user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reviews:assignments"))
    assert page.content.decode().count("Round article 0") == 1
