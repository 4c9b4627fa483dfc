"""Every notification speaks people's words: no internal state, decision or step name
("changes_requested", "under_review", "request_changes") in any subject or body."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article, ValidationReport
from reviews import notifications
from reviews.exceptions import state_label
from reviews.jobs.evidence import RETRACTED, retraction_notice
from reviews.models import Review, ReviewAssignment, TransitionLog
from reviews.workflow.transitions import RULES
from tests.factories import make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db

# Every stored value a person should never read: states, assignment statuses, decisions, step names.
RAW_NAMES = sorted(
    {
        value
        for value in (
            *Article.Status.values, *ReviewAssignment.Status.values, *ReviewAssignment.Decision.values, *RULES,
            "non_material_edit", "cancel_schedule",
        )
        if "_" in value
    }
)  # fmt: skip
RAW = re.compile("|".join(map(re.escape, RAW_NAMES)))


@pytest.fixture
def people():
    editor = make_user("mail-editor", roles=["editor"], email="editor@example.org")
    author = make_user("mail-author", roles=["author"], email="author@example.org")
    reviewer = make_reviewer("dr-mail")
    reviewer.user.email = "dr-mail@example.org"
    reviewer.user.save()
    return editor, author, reviewer


def _raw_names_in_outbox() -> list[tuple[str, str]]:
    return [(m.subject, found) for m in mail.outbox for found in RAW.findall(f"{m.subject}\n{m.body}")]


def test_the_raw_names_checked_include_the_ones_people_reported():
    assert {"changes_requested", "under_review", "request_changes", "start_rereview"} <= set(RAW_NAMES)
    assert state_label("changes_requested") == "changes requested"


def test_every_transition_notice_uses_human_labels(people):
    editor, author, reviewer = people
    for name, rule in RULES.items():
        source = sorted(rule.sources)[0]
        article = make_article(author=author, status=source, title=f"Article for {name.replace('_', ' ')}")
        if name == "request_changes":
            assignment = make_assignment(article=article, reviewer=reviewer, status="submitted")
            Review.objects.create(
                assignment=assignment, article=article, reviewer=reviewer, revision=article.revision,
                content_hash="x", decision="request_changes", comments="Please cite the 2024 guideline.",
                credentials={}, checklist={},
            )  # fmt: skip
        # A log row as the workflow writes it, so each step's email is rendered from real data.
        log = TransitionLog.objects.create(
            article=article, revision=article.revision, transition=name, from_status=source,
            to_status=rule.target, actor=editor, reason="Reason given at the desk",
        )  # fmt: skip
        assert notifications.transition_notice.call(log.pk) >= 1, name
    subjects = {m.subject for m in mail.outbox}
    assert "[Imprimatur] Changes requested: Article for request changes" in subjects
    assert "[Imprimatur] Article for start review: under review" in subjects
    assert _raw_names_in_outbox() == []


def test_every_assignment_and_evidence_notice_uses_human_labels(people):
    editor, author, reviewer = people
    article = make_article(author=author, status=Article.Status.UNDER_REVIEW, title="Assigned article")
    late = timezone.now() - timedelta(days=1)
    invited = make_assignment(article=article, reviewer=reviewer, status="invited", assigned_by=editor, due_at=late)
    assert notifications.invitation_notice.call(invited.pk) == 1
    assert notifications.reminder_notice.call(invited.pk) == 1
    assert notifications.overdue_notice.call(invited.pk) == 2  # the reviewer and the editor
    other = make_article(author=author, status=Article.Status.CHANGES_REQUESTED, title="Live article")
    report = ValidationReport.objects.create(
        revision=other.revisions.get(number=other.revision), errors=1,
        findings=[{"rule": RETRACTED, "severity": "error", "reference": 1, "message": "Reference 1 is retracted."}],
    )  # fmt: skip
    assert retraction_notice.call(other.pk, report.pk, 1) == 1
    kinds = {m.subject.split(":")[0] for m in mail.outbox}
    assert {"[Imprimatur] Invitation to review", '[Imprimatur] Retracted work cited by "Live article"'} <= kinds
    retraction = next(m for m in mail.outbox if "Retracted" in m.subject)
    assert "The article is changes requested" in retraction.body
    assert _raw_names_in_outbox() == []
