"""The whole matrix of role, transition and state, and the shape every transition shares."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from reviews.exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from reviews.models import TransitionLog
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user

S = Article.Status
ROLES = ("author", "other_author", "editor", "chief", "reviewer", "unassigned_reviewer", "outsider", "system")

# Written out by hand from DESIGN.md, independently of reviews.permissions, so the table is tested.
SOURCES = {
    "submit": {S.DRAFT, S.CHANGES_REQUESTED},
    "start_review": {S.SUBMITTED},
    "request_changes": {S.UNDER_REVIEW},
    "approve": {S.UNDER_REVIEW},
    "reject": {S.UNDER_REVIEW},
    "withdraw": {S.SUBMITTED},
    "revise": {S.CHANGES_REQUESTED},
    "archive": set(S) - {S.ARCHIVED},
    "start_rereview": {S.APPROVED},
}
TARGET = {
    "submit": S.SUBMITTED,
    "start_review": S.UNDER_REVIEW,
    "request_changes": S.CHANGES_REQUESTED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
    "withdraw": S.DRAFT,
    "revise": S.DRAFT,
    "archive": S.ARCHIVED,
    "start_rereview": S.SUBMITTED,
}
WHO = {
    "submit": {"author", "editor", "chief"},
    "start_review": {"editor", "chief", "reviewer"},
    "request_changes": {"editor", "chief", "reviewer"},
    "approve": {"reviewer"},
    "reject": {"editor", "chief"},
    "withdraw": {"author"},
    "revise": {"author", "editor", "chief"},
    "archive": {"editor", "chief"},
    "start_rereview": {"editor", "chief", "system"},
}


@pytest.fixture
def cast(db):
    author = make_user("own-author", roles=["author"])
    article = make_article(author=author)
    reviewer = make_reviewer("assigned")
    make_reviewer("bystander")
    assignment = make_assignment(article=article, reviewer=reviewer)
    make_approval(assignment=assignment)
    return {
        "article": article,
        "author": author,
        "other_author": make_user("other-author", roles=["author"]),
        "editor": make_user("ed", roles=["editor"]),
        "chief": make_user("eic", roles=["editor-in-chief"]),
        "reviewer": reviewer.user,
        "unassigned_reviewer": make_user("unassigned", roles=["reviewer"]),
        "outsider": make_user("outsider"),
        "system": None,  # a scheduled job
    }


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
@pytest.mark.parametrize("role", ROLES)
def test_transition_matrix(cast, role, name, state):
    article = cast["article"]
    reviewed = {"last_reviewed_at": "2026-01-01T00:00Z"} if state == S.APPROVED else {}
    Article.objects.filter(pk=article.pk).update(status=state, **reviewed)
    article.refresh_from_db()
    history_before = article.history.count()
    allowed = state in SOURCES[name] and role in WHO[name]

    if allowed:
        result = workflow.TRANSITIONS[name](article=article, actor=cast[role], reason="matrix")
        assert result.status == TARGET[name]
        log = TransitionLog.objects.get(article=article)
        assert (log.transition, log.from_status, log.to_status, log.actor) == (name, state, TARGET[name], cast[role])
        latest = article.history.latest()
        assert latest.history_change_reason == f"{name}: matrix"
        assert latest.history_user == cast[role]
        return

    with pytest.raises(WorkflowError) as raised:
        workflow.TRANSITIONS[name](article=article, actor=cast[role], reason="matrix")
    message = str(raised.value)
    # The state is named as people say it: “changes requested”, not changes_requested.
    assert name.replace("_", " ") in message and f"“{state.replace('_', ' ')}”" in message
    article.refresh_from_db()
    assert article.status == state
    assert article.history.count() == history_before
    assert not TransitionLog.objects.filter(article=article).exists()


def test_state_refusal_names_transition_state_and_reason(cast):
    with pytest.raises(
        TransitionNotAllowed, match=r"Cannot approve from “draft”: it is only possible from under review"
    ):
        workflow.approve(article=cast["article"], actor=cast["reviewer"])


def test_permission_refusal_is_a_403_kind_of_error(cast):
    with pytest.raises(NotPermitted) as raised:
        workflow.submit(article=cast["article"], actor=cast["other_author"])
    from django.core.exceptions import PermissionDenied

    assert isinstance(raised.value, PermissionDenied)
    assert "the article's author or an editor" in str(raised.value)


def test_blank_reason_is_refused_and_writes_nothing(cast):
    with pytest.raises(TransitionNotAllowed, match="a reason is required"):
        workflow.submit(article=cast["article"], actor=cast["author"], reason="   ")
    assert not TransitionLog.objects.exists()


def test_no_one_approves_their_own_article(db):
    reviewer = make_reviewer("self-reviewer")
    article = make_article(author=reviewer.user, status=S.UNDER_REVIEW)
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    with pytest.raises(NotPermitted):
        workflow.approve(article=article, actor=reviewer.user)


def test_transition_locks_the_article_row(cast):
    with CaptureQueriesContext(connection) as queries:
        workflow.submit(article=cast["article"], actor=cast["author"])
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":
        assert locking and '"articles_article"' in locking[0]


def test_approve_sets_review_dates(cast):
    article = cast["article"]
    Article.objects.filter(pk=article.pk).update(status=S.UNDER_REVIEW)
    approved = workflow.approve(article=article, actor=cast["reviewer"])
    assert approved.last_reviewed_at is not None
    assert approved.next_review_due > approved.last_reviewed_at.date()


def test_available_transitions_follow_the_table(cast):
    article = cast["article"]
    names = [name for name, _ in workflow.available_transitions(article=article, user=cast["author"])]
    assert names == ["submit"]
    names = [name for name, _ in workflow.available_transitions(article=article, user=cast["editor"])]
    assert names == ["submit", "archive"]
    assert workflow.available_transitions(article=article, user=cast["outsider"]) == []


def test_state_diagram_is_drawn_from_the_table():
    diagram = workflow.state_diagram()
    for name, rule in workflow.RULES.items():
        assert f"--> {rule.target}: {name}" in diagram


def test_readme_diagram_is_the_one_drawn_from_the_table():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"```mermaid\n{workflow.state_diagram()}\n```" in readme
