"""The approval gate: errors in the current revision's report block approval until fixed or overridden."""

import pytest

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.models import TransitionLog, ValidationOverride
from reviews.workflow import transitions as workflow
from tests.factories import CLEAN_BODY, make_approval, make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db

DANGLING = CLEAN_BODY + "\nLater trials disagree [3].\n"


@pytest.fixture
def blocked(db):
    """An article under review, approved by its reviewer, whose body cites a reference it lacks."""
    reviewer = make_reviewer("gatekeeper")
    article = make_article(body=DANGLING, status=Article.Status.UNDER_REVIEW)
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    return article, reviewer


def _error_keys(article):
    from reviews.workflow import gate

    return [f["key"] for f in gate.blocking_findings(article=article)]


def test_approval_is_refused_while_errors_remain_naming_them(blocked):
    article, reviewer = blocked
    with pytest.raises(TransitionNotAllowed, match=r"citation-missing-reference: .*3"):
        workflow.approve(article=article, actor=reviewer.user)
    article.refresh_from_db()
    assert article.status == Article.Status.UNDER_REVIEW and article.last_reviewed_at is None
    assert not TransitionLog.objects.exists()


def test_approval_is_allowed_once_the_error_is_fixed(blocked):
    article, reviewer = blocked
    editor = make_user("fixer", roles=["editor"])
    content = content_of(article)
    fixed = Content(title=content.title, summary=content.summary, body=CLEAN_BODY, references=content.references)
    article, revision = workflow.edit(article=article, actor=editor, content=fixed, reason="Remove dangling citation")
    assert revision.number == 2 and article.status == Article.Status.UNDER_REVIEW
    # the old assignment and approval were for revision 1 and no longer count
    with pytest.raises(NotPermitted):
        workflow.approve(article=article, actor=reviewer.user)
    assignment = make_assignment(article=article, reviewer=reviewer)
    with pytest.raises(TransitionNotAllowed, match=r"needs 1 eligible approval.* on revision 2; it has 0"):
        workflow.approve(article=article, actor=reviewer.user)
    make_approval(assignment=assignment)
    assert workflow.approve(article=article, actor=reviewer.user).status == Article.Status.APPROVED


def test_editor_in_chief_override_is_recorded_and_lets_approval_through(blocked, chief):
    article, reviewer = blocked
    keys = _error_keys(article)
    workflow.override_validation(article=article, actor=chief, keys=keys, reason="Reference 3 is in press; added later")
    override = ValidationOverride.objects.get()
    assert (override.actor, override.revision, override.rules) == (chief, 1, sorted(keys))
    log = TransitionLog.objects.get(transition="override_validation")
    assert "Reference 3 is in press" in log.reason and log.from_status == log.to_status == "under_review"
    assert article.history.latest().history_change_reason.startswith("override_validation: Reference 3 is in press")
    assert workflow.approve(article=article, actor=reviewer.user).status == Article.Status.APPROVED


def test_override_covers_only_the_revision_it_was_given_on(blocked, chief):
    article, reviewer = blocked
    workflow.override_validation(article=article, actor=chief, keys=_error_keys(article), reason="In press")
    editor = make_user("editor-b", roles=["editor"])
    content = content_of(article)
    workflow.edit(
        article=article, actor=editor, reason="More text",
        content=Content(title=content.title, body=DANGLING + "\nMore.\n", references=content.references),
    )  # fmt: skip
    article.refresh_from_db()
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    with pytest.raises(TransitionNotAllowed, match="citation-missing-reference"):
        workflow.approve(article=article, actor=reviewer.user)


def test_only_an_editor_in_chief_may_override(blocked, editor):
    article, _ = blocked
    with pytest.raises(NotPermitted):
        workflow.override_validation(article=article, actor=editor, keys=_error_keys(article), reason="Because")
    assert not ValidationOverride.objects.exists()


def test_override_of_an_unknown_finding_or_without_reason_is_refused(blocked, chief):
    article, _ = blocked
    with pytest.raises(TransitionNotAllowed, match="not errors of revision 1: reference-uncited:9"):
        workflow.override_validation(article=article, actor=chief, keys=["reference-uncited:9:-:x"], reason="No")
    with pytest.raises(TransitionNotAllowed, match="a reason is required"):
        workflow.override_validation(article=article, actor=chief, keys=_error_keys(article), reason="")
    assert not ValidationOverride.objects.exists() and not TransitionLog.objects.exists()


def test_warnings_do_not_block(db):
    reviewer = make_reviewer("warned")
    article = make_article(body=CLEAN_BODY + "\nAbout 40% improve.\n", status=Article.Status.UNDER_REVIEW)
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    from reviews.workflow import gate

    assert any(f["rule"] == "claim-uncited" for f in gate.warnings_to_acknowledge(article=article))
    assert workflow.approve(article=article, actor=reviewer.user).status == Article.Status.APPROVED
