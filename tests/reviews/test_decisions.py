"""Signed decisions: the Review record, the sign-off rule, conflicts, credentials, stale revisions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.assignments import decisions
from reviews.assignments import services as assignments
from reviews.assignments.decisions import CHECKLIST, DecisionRefused, StaleRevision
from reviews.assignments.services import AssignmentRefused
from reviews.exceptions import NotPermitted
from reviews.models import Review, ReviewAssignment, TransitionLog
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_topic

S = Article.Status
pytestmark = pytest.mark.django_db
ALL_CHECKED = {key: True for key, _label in CHECKLIST}


def accepted(article, reviewer, editor, conflict="none", statement=""):
    invited = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
    )
    return assignments.assignment_accept(
        assignment=invited, actor=reviewer.user, conflict=conflict, conflict_statement=statement
    )


def approve(assignment, article, **overrides):
    article.refresh_from_db()
    kwargs = {
        "assignment": assignment,
        "actor": assignment.reviewer.user,
        "revision": article.revision,
        "decision": "approve",
        "password": TEST_PASSWORD,
        "checklist": ALL_CHECKED,
        "acknowledged": [w["key"] for w in gate.warnings_to_acknowledge(article=article)],
        **overrides,
    }
    return decisions.review_submit(**kwargs)


@pytest.fixture
def article(author):
    return make_article(author=author, status=S.SUBMITTED)


def test_quorum_of_one_approves_records_the_signed_review_and_credits_the_reviewer(editor, article):
    reviewer = make_reviewer("neuro", specialty="Neuroradiology", board_certification="FRCR")
    assignment = accepted(article, reviewer, editor)
    review = approve(assignment, article, comments="Clear and accurate.")
    article.refresh_from_db()
    revision = article.revisions.get(number=article.revision)
    assert article.status == S.APPROVED and article.last_reviewed_at is not None
    assert (review.revision, review.content_hash, review.decision) == (1, revision.content_hash, "approve")
    assert review.credentials["display"] == "Neuro Example, MD, Neuroradiology"
    assert review.credentials["board_certification"] == "FRCR"
    assert review.credentials["licence_expires"] == reviewer.licence_expires.isoformat()
    assert review.checklist == ALL_CHECKED and review.eligible
    assert sorted(review.acknowledged_warnings) == sorted(
        w["key"] for w in gate.warnings_to_acknowledge(article=article)
    )
    log = TransitionLog.objects.get(article=article, transition="approve")
    assert log.actor == reviewer.user
    assignment.refresh_from_db()
    assert (assignment.status, assignment.decision_revision, assignment.last_reviewed_revision) == ("submitted", 1, 1)
    from reviews.assignments.selectors import reviewer_credits

    assert [r.reviewer for r in reviewer_credits(article=article)] == [reviewer]


def test_the_snapshot_keeps_the_credentials_as_they_stood(editor, article):
    reviewer = make_reviewer("changing", specialty="Oncology")
    review = approve(accepted(article, reviewer, editor), article)
    reviewer.specialty = "Palliative care"
    reviewer.save()
    review.refresh_from_db()
    assert review.credentials["specialty"] == "Oncology"


def test_quorum_of_two_waits_for_the_second_approval(editor, author):
    article = make_article(author=author, status=S.SUBMITTED, topic=make_topic("Two", required_approvals=2))
    first, second = make_reviewer("first"), make_reviewer("second")
    a1, a2 = accepted(article, first, editor), accepted(article, second, editor)
    approve(a1, article)
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW
    approve(a2, article)
    article.refresh_from_db()
    assert article.status == S.APPROVED
    assert TransitionLog.objects.get(article=article, transition="approve").actor == second.user


def test_a_required_specialty_must_be_among_the_approvals(editor, author):
    topic = make_topic("Heart", required_approvals=2, required_specialties=["Cardiology"])
    article = make_article(author=author, status=S.SUBMITTED, topic=topic)
    gp1, gp2, cardio = (
        make_reviewer("gp1", specialty="GP"),
        make_reviewer("gp2", specialty="GP"),
        make_reviewer("cardio", specialty="Cardiology"),
    )
    a1, a2, a3 = (accepted(article, r, editor) for r in (gp1, gp2, cardio))
    approve(a1, article)
    approve(a2, article)
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW
    assert "needs an approval from Cardiology" in gate.signoff_missing(article=article)
    approve(a3, article)
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_an_uncleared_interest_makes_the_approval_ineligible(editor, article):
    reviewer = make_reviewer("paid")
    review = approve(accepted(article, reviewer, editor, "interest", "Advisory board of the maker"), article)
    article.refresh_from_db()
    assert review.eligible is False and article.status == S.UNDER_REVIEW


def test_an_interest_cleared_by_the_editor_in_chief_counts(editor, chief, article):
    reviewer = make_reviewer("cleared")
    assignment = accepted(article, reviewer, editor, "interest", "Spoke at a congress in 2015")
    assignments.conflict_clear(assignment=assignment, actor=chief, reason="Long past and unrelated")
    review = approve(assignment, article)
    article.refresh_from_db()
    assert review.eligible is True and article.status == S.APPROVED


def test_an_interest_cannot_be_cleared_after_the_decision(editor, chief, article):
    assignment = accepted(article, make_reviewer("late"), editor, "interest", "Shares")
    approve(assignment, article)
    with pytest.raises(AssignmentRefused, match="only before the reviewer decides"):
        assignments.conflict_clear(assignment=assignment, actor=chief, reason="ok")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"credentials_verified_at": None}, "never been verified"),
        ({"licence_expires": timezone.localdate() - timedelta(days=1)}, "licence has expired"),
    ],
)
def test_expired_or_unverified_credentials_cannot_approve(editor, article, change, message):
    reviewer = make_reviewer("lapsing")
    assignment = accepted(article, reviewer, editor)
    for name, value in change.items():
        setattr(reviewer, name, value)
    reviewer.save()
    with pytest.raises(DecisionRefused, match=message):
        approve(assignment, article)
    assert not Review.objects.exists()
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW


def test_a_stale_revision_is_refused_at_submit_time_and_nothing_is_recorded(editor, article):
    reviewer = make_reviewer("slowreader")
    assignment = accepted(article, reviewer, editor)
    content = content_of(article)
    workflow.edit(
        article=article,
        actor=editor,
        reason="Dose corrected",
        content=Content(title=content.title, summary=content.summary, body=content.body.replace("usual", "standard"),
                        references=content.references),
    )  # fmt: skip
    with pytest.raises(StaleRevision, match="you read revision 1, it is now at revision 2") as raised:
        approve(assignment, article, revision=1)
    assert (raised.value.shown, raised.value.current) == (1, 2)
    assert not Review.objects.exists()


def test_approval_needs_every_checklist_item_and_each_warning_acknowledged(editor, article):
    assignment = accepted(article, make_reviewer("careful"), editor)
    with pytest.raises(DecisionRefused, match="unconfirmed: It has no promotional content"):
        approve(assignment, article, checklist={**ALL_CHECKED, "no_promotion": False})
    warnings = gate.warnings_to_acknowledge(article=article)
    assert len(warnings) == 2
    with pytest.raises(DecisionRefused, match="acknowledge each warning") as raised:
        approve(assignment, article, acknowledged=[warnings[0]["key"]])
    assert warnings[1]["message"] in str(raised.value)
    assert not Review.objects.exists()


def test_approval_is_refused_while_the_report_has_errors(editor, author):
    article = make_article(author=author, status=S.SUBMITTED, body="A claim with no reference [3].\n")
    assert gate.blocking_findings(article=article)
    assignment = accepted(article, make_reviewer("strict"), editor)
    with pytest.raises(DecisionRefused, match="reference report has errors"):
        approve(assignment, article)
    assert not Review.objects.exists()


def test_request_changes_returns_the_article_and_emails_the_author_the_comments(
    editor, author, article, django_capture_on_commit_callbacks
):
    reviewer = make_reviewer("critic")
    assignment = accepted(article, reviewer, editor)
    with pytest.raises(DecisionRefused, match="comments are required"):
        decisions.review_submit(
            assignment=assignment, actor=reviewer.user, revision=1, decision="request_changes", checklist={},
            password=TEST_PASSWORD,
        )  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review = decisions.review_submit(
            assignment=assignment, actor=reviewer.user, revision=1, decision="request_changes", checklist={},
            comments="Give the dexamethasone dose a source.", password=TEST_PASSWORD,
        )  # fmt: skip
    article.refresh_from_db()
    assert article.status == S.CHANGES_REQUESTED and review.decision == "request_changes"
    to_author = [m for m in mail.outbox if m.to == [author.email]]
    assert len(to_author) == 1
    assert "Give the dexamethasone dose a source." in to_author[0].body
    assert f"/review/articles/{article.pk}/decisions/" in to_author[0].body
    assert any(m.to == [editor.email] for m in mail.outbox)


def test_only_the_assigned_reviewer_decides(editor, article):
    assignment = accepted(article, make_reviewer("owner"), editor)
    other = make_reviewer("other")
    with pytest.raises(NotPermitted):
        approve(assignment, article, actor=other.user)
    with pytest.raises(NotPermitted):
        approve(assignment, article, actor=editor)


def test_a_decision_is_taken_once(editor, author):
    article = make_article(author=author, status=S.SUBMITTED, topic=make_topic("Pair", required_approvals=2))
    assignment = accepted(article, make_reviewer("once"), editor)
    accepted(article, make_reviewer("pending"), editor)
    approve(assignment, article)
    with pytest.raises(DecisionRefused, match="only an accepted assignment takes a decision"):
        approve(assignment, article)
    assert Review.objects.count() == 1


def test_approval_closes_the_other_open_assignments(editor, article):
    decider, late = make_reviewer("decider"), make_reviewer("late2")
    a1 = accepted(article, decider, editor)
    accepted(article, late, editor)
    approve(a1, article)
    assert ReviewAssignment.objects.get(reviewer=late).status == "withdrawn"


def test_a_decision_locks_the_article_then_the_assignment(editor, article):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assignment = accepted(article, make_reviewer("locker"), editor)
    with CaptureQueriesContext(connection) as queries:
        approve(assignment, article)
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert '"articles_article"' in locking[0] and '"reviews_reviewassignment"' in locking[1]
