"""Assigning reviewers: every refusal, invitations, accept/decline, conflicts, reassigning, re-invitation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.admin.selectors import reviewer_suggestions
from reviews.assignments import services as assignments
from reviews.assignments.services import AssignmentRefused
from reviews.exceptions import NotPermitted, WorkflowError
from reviews.models import ReviewAssignment, TransitionLog
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, make_article, make_assignment, make_reviewer, make_topic

S = Article.Status
A = ReviewAssignment.Status
pytestmark = pytest.mark.django_db


def due(days=7):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def article(author):
    return make_article(author=author, status=S.SUBMITTED)


def test_editor_assigns_for_the_current_revision_and_the_reviewer_is_invited_by_email(
    editor, article, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("neuro")
    with django_capture_on_commit_callbacks(execute=True):
        made = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    assert (made.status, made.revision, made.assigned_by) == (A.INVITED, article.revision, editor)
    assert made.history.latest().history_user == editor
    [email] = mail.outbox
    assert email.to == [reviewer.user.email]
    assert f"/review/assignments/{made.pk}/" in email.body
    assert article.title in email.subject


def test_several_reviewers_are_assigned_at_once(editor, article):
    made = assignments.assignments_create(
        article=article, reviewers=[make_reviewer("one"), make_reviewer("two")], actor=editor, due_at=due()
    )
    assert len(made) == 2


def _refused(editor, article, reviewer, match, **kwargs):
    before = ReviewAssignment.objects.count()
    with pytest.raises(AssignmentRefused, match=match):
        assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due(), **kwargs)
    assert ReviewAssignment.objects.count() == before


def test_refuses_the_articles_author(editor, db):
    reviewer = make_reviewer("selfish")
    article = make_article(author=reviewer.user, status=S.SUBMITTED)
    _refused(editor, article, reviewer, "is the author of")


def test_refuses_an_inactive_reviewer(editor, article):
    _refused(editor, article, make_reviewer("retired", active=False), "is not an active reviewer")


def test_refuses_a_reviewer_at_their_cap_unless_overridden_with_a_reason(editor, article, author):
    busy = make_reviewer("busy", max_open_assignments=1)
    make_assignment(article=make_article(author=author, status=S.SUBMITTED), reviewer=busy, status="invited")
    _refused(editor, article, busy, r"at their cap of 1 open assignments \(1 open\)")
    _refused(editor, article, busy, "give a reason to override", override_reason="   ")
    made = assignments.assignment_create(
        article=article, reviewer=busy, actor=editor, due_at=due(), override_reason="Only neuroradiologist"
    )
    assert made.cap_override_reason == "Only neuroradiologist"


def test_refuses_a_duplicate_active_assignment(editor, article):
    reviewer = make_reviewer("twice")
    assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    _refused(editor, article, reviewer, "already has an open assignment")


def test_a_declined_reviewer_may_be_invited_again(editor, article):
    reviewer = make_reviewer("again")
    make_assignment(article=article, reviewer=reviewer, status="declined")
    assert assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due()).pk


def test_one_refusal_among_several_reviewers_assigns_none_and_names_each(editor, article):
    ok, off = make_reviewer("ok"), make_reviewer("off", active=False)
    with pytest.raises(AssignmentRefused, match="Off Example is not an active reviewer"):
        assignments.assignments_create(article=article, reviewers=[ok, off], actor=editor, due_at=due())
    assert not ReviewAssignment.objects.exists()


def test_refuses_a_past_due_date_a_draft_article_and_a_non_editor(editor, author):
    reviewer = make_reviewer("r")
    draft = make_article(author=author)
    with pytest.raises(AssignmentRefused, match="in the past"):
        assignments.assignment_create(article=draft, reviewer=reviewer, actor=editor, due_at=due(-1))
    with pytest.raises(AssignmentRefused, match="only to submitted articles or articles under review"):
        assignments.assignment_create(article=draft, reviewer=reviewer, actor=editor, due_at=due())
    with pytest.raises(NotPermitted):
        assignments.assignment_create(article=draft, reviewer=reviewer, actor=author, due_at=due())
    assert not ReviewAssignment.objects.exists()


def test_first_acceptance_with_no_conflict_starts_the_review(editor, article):
    reviewer = make_reviewer("first")
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    accepted = assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    article.refresh_from_db()
    assert (accepted.status, accepted.conflict, article.status) == (A.ACCEPTED, "none", S.UNDER_REVIEW)
    log = TransitionLog.objects.get(article=article, transition="start_review")
    assert log.actor == reviewer.user
    # A second acceptance leaves the state alone.
    second = make_reviewer("second")
    other = assignments.assignment_create(article=article, reviewer=second, actor=editor, due_at=due())
    assignments.assignment_accept(assignment=other, actor=second.user, conflict="none")
    assert TransitionLog.objects.filter(article=article, transition="start_review").count() == 1


def test_accepting_needs_a_declaration_and_a_described_interest(editor, article):
    reviewer = make_reviewer("coi")
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    with pytest.raises(AssignmentRefused, match="Declare whether you have a conflict"):
        assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="")
    with pytest.raises(AssignmentRefused, match="Describe the interest"):
        assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="interest")
    invited.refresh_from_db()
    assert invited.status == A.INVITED
    accepted = assignments.assignment_accept(
        assignment=invited, actor=reviewer.user, conflict="interest", conflict_statement="Consultant to Acme"
    )
    assert (accepted.conflict, accepted.conflict_statement) == ("interest", "Consultant to Acme")


@pytest.mark.parametrize(
    "profile, message",
    [
        ({"verified": False}, "never been verified"),
        ({"licence_expires": timezone.localdate() - timedelta(days=1)}, "licence has expired"),
    ],
)
def test_expired_or_unverified_credentials_cannot_accept(editor, article, profile, message):
    reviewer = make_reviewer("lapsed", **profile)
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    with pytest.raises(AssignmentRefused, match=message):
        assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    invited.refresh_from_db()
    article.refresh_from_db()
    assert (invited.status, article.status) == (A.INVITED, S.SUBMITTED)


def test_only_the_invited_reviewer_answers(editor, article):
    invited = assignments.assignment_create(article=article, reviewer=make_reviewer("me"), actor=editor, due_at=due())
    intruder = make_reviewer("intruder")
    with pytest.raises(NotPermitted):
        assignments.assignment_accept(assignment=invited, actor=intruder.user, conflict="none")
    with pytest.raises(NotPermitted):
        assignments.assignment_decline(assignment=invited, actor=editor, reason="busy")


def test_decline_needs_a_reason_and_cannot_follow_acceptance(editor, article):
    reviewer = make_reviewer("decliner")
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    with pytest.raises(AssignmentRefused, match="A reason for declining is required"):
        assignments.assignment_decline(assignment=invited, actor=reviewer.user, reason=" ")
    declined = assignments.assignment_decline(assignment=invited, actor=reviewer.user, reason="On leave")
    assert (declined.status, declined.decline_reason) == (A.DECLINED, "On leave")
    with pytest.raises(AssignmentRefused, match="can no longer be accepted"):
        assignments.assignment_accept(assignment=declined, actor=reviewer.user, conflict="none")


def test_only_an_editor_in_chief_clears_a_declared_interest_with_a_reason(editor, chief, article):
    reviewer = make_reviewer("conflicted")
    invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
    accepted = assignments.assignment_accept(
        assignment=invited, actor=reviewer.user, conflict="interest", conflict_statement="Speaker fees"
    )
    with pytest.raises(NotPermitted):
        assignments.conflict_clear(assignment=accepted, actor=editor, reason="minor")
    with pytest.raises(AssignmentRefused, match="reason for clearing"):
        assignments.conflict_clear(assignment=accepted, actor=chief, reason="")
    cleared = assignments.conflict_clear(assignment=accepted, actor=chief, reason="Fees ended in 2019")
    assert (cleared.conflict_cleared_by, cleared.conflict_cleared_reason) == (chief, "Fees ended in 2019")
    with pytest.raises(AssignmentRefused, match="no declared interest waiting"):
        assignments.conflict_clear(assignment=cleared, actor=chief, reason="again")


def test_editor_withdraws_and_reassigns(editor, article):
    slow, quick = make_reviewer("slow"), make_reviewer("quick")
    invited = assignments.assignment_create(article=article, reviewer=slow, actor=editor, due_at=due())
    with pytest.raises(NotPermitted):
        assignments.assignment_withdraw(assignment=invited, actor=slow.user, reason="x")
    new = assignments.assignment_reassign(
        assignment=invited, reviewer=quick, actor=editor, due_at=due(10), reason="No answer after a week"
    )
    invited.refresh_from_db()
    assert (invited.status, new.reviewer, new.status) == (A.WITHDRAWN, quick, A.INVITED)
    assert "No answer after a week" in invited.history.latest().history_change_reason


def test_a_refused_reassignment_withdraws_nothing(editor, article):
    slow = make_reviewer("slow2")
    invited = assignments.assignment_create(article=article, reviewer=slow, actor=editor, due_at=due())
    with pytest.raises(AssignmentRefused, match="not an active reviewer"):
        assignments.assignment_reassign(
            assignment=invited, reviewer=make_reviewer("gone", active=False), actor=editor, due_at=due(), reason="x"
        )
    invited.refresh_from_db()
    assert invited.status == A.INVITED


def test_suggestions_rank_specialty_then_topic_then_load_and_leave_out_the_author(author):
    topic = make_topic("Cardiology topic", required_specialties=["Cardiology"])
    article = make_article(author=author, topic=topic, status=S.SUBMITTED)
    busy_cardio = make_reviewer("busycardio", specialty="Cardiology", max_open_assignments=2)
    free_cardio = make_reviewer("freecardio", specialty="Cardiology")
    topical = make_reviewer("topical", specialty="General practice")
    topical.topics.add(topic)
    other = make_reviewer("other", specialty="Dermatology")
    make_assignment(article=make_article(author=author, status=S.SUBMITTED), reviewer=busy_cardio, status="invited")
    names = [s.profile for s in reviewer_suggestions(article=article)]
    assert names == [free_cardio, busy_cardio, topical, other]
    assert author.pk not in [p.user_id for p in names]


def _round_one(editor, article):
    """Two reviewers accept; one requests changes."""
    a, b = make_reviewer("alpha"), make_reviewer("beta")
    for reviewer in (a, b):
        invited = assignments.assignment_create(article=article, reviewer=reviewer, actor=editor, due_at=due())
        assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    return a, b


def test_a_new_revision_after_changes_reinvites_the_previous_reviewers(editor, author, article):
    from reviews.assignments import decisions

    a, b = _round_one(editor, article)
    decisions.review_submit(
        assignment=ReviewAssignment.objects.get(reviewer=a), actor=a.user, revision=article.revision,
        decision="request_changes", checklist={}, comments="Add the steroid dose source.", password=TEST_PASSWORD,
    )  # fmt: skip
    declined = make_reviewer("declined")
    make_assignment(article=article, reviewer=declined, status="declined")
    article.refresh_from_db()
    assert article.status == S.CHANGES_REQUESTED
    content = content_of(article)
    workflow.edit(
        article=article, actor=author, reason="Cite the dose",
        content=Content(title=content.title, summary=content.summary, body=content.body + "\nMore.\n",
                        references=content.references),
    )  # fmt: skip
    assert not ReviewAssignment.objects.filter(status__in=ReviewAssignment.ACTIVE).exists()
    workflow.submit(article=article, actor=author)
    article.refresh_from_db()
    fresh = ReviewAssignment.objects.filter(status=A.INVITED).order_by("reviewer_id")
    assert [(x.reviewer, x.revision) for x in fresh] == [(a, 2), (b, 2)]
    assert all("re-invited for revision 2" in x.history.latest().history_change_reason for x in fresh)


def test_an_edit_during_review_reinvites_on_the_new_revision(editor, article):
    _round_one(editor, article)
    content = content_of(article)
    workflow.edit(
        article=article, actor=editor, reason="Typo",
        content=Content(title=content.title + "!", summary=content.summary, body=content.body,
                        references=content.references),
    )  # fmt: skip
    statuses = sorted(ReviewAssignment.objects.values_list("revision", "status"))
    assert statuses == [(1, "stale"), (1, "stale"), (2, "invited"), (2, "invited")]


def test_first_submission_invites_nobody(author):
    article = make_article(author=author)
    workflow.submit(article=article, actor=author)
    assert not ReviewAssignment.objects.exists()


def test_assignment_create_is_keyword_only_and_refusals_are_workflow_errors(editor, article):
    with pytest.raises(TypeError):
        assignments.assignment_create(article, make_reviewer("kw"), editor, due())  # type: ignore[misc]
    assert issubclass(AssignmentRefused, WorkflowError)


def test_assigning_locks_the_article_row_first_then_the_reviewers(editor, article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assignments.assignment_create(article=article, reviewer=make_reviewer("locked"), actor=editor, due_at=due())
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert '"articles_article"' in locking[0] and '"reviews_reviewerprofile"' in locking[1]
