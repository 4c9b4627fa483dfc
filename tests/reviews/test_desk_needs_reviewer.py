"""The editors' desk's "needs a reviewer" is a flag stored on the article row and kept by the domain:
after every step that moves an assignment, an article, or a topic's quorum, the stored flag is what the
three-table count (``rounds.needs_reviewer_counted``, its definition) says; the desk reads the flag."""

import importlib
import json
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from articles.models import Article
from articles.revisions import content_of
from reviews.admin import selectors as desk
from reviews.api.tokens import token_create
from reviews.assignments import services as assignments
from reviews.assignments.decisions import review_submit
from reviews.models import CHECKLIST, ReviewAssignment
from reviews.publishing import scheduling
from reviews.workflow import gate, rounds
from reviews.workflow import transitions as workflow
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_topic, make_user

S = Article.Status
A = ReviewAssignment.Status
pytestmark = pytest.mark.django_db


def _flag(article) -> bool:
    """The stored flag of ``article``, after checking every article's stored flag against the definition."""
    counted = set(rounds.needs_reviewer_counted(Article.objects.all()).values_list("pk", flat=True))
    stored = set(Article.objects.filter(needs_reviewer=True).values_list("pk", flat=True))
    assert stored == counted, f"stored {sorted(stored)} but the assignments say {sorted(counted)}"
    return article.pk in stored


def _due():
    return timezone.now() + timedelta(days=10)


def _open(article, reviewer) -> ReviewAssignment:
    return ReviewAssignment.objects.get(article=article, reviewer=reviewer, status__in=ReviewAssignment.ACTIVE)


def _decide(assignment, reviewer, decision="approve"):
    article = Article.objects.get(pk=assignment.article_id)
    review_submit(
        assignment=assignment, actor=reviewer.user, revision=article.revision, decision=decision,
        checklist={key: True for key, _label in CHECKLIST}, comments="Accurate and current.",
        acknowledged=[f["key"] for f in gate.warnings_to_acknowledge(article=article)], password=TEST_PASSWORD,
    )  # fmt: skip


def _api_invite(client, editor, article, reviewer):
    clear = token_create(owner=editor, actor=editor, name="desk", scopes=["read", "review-desk"]).clear
    article.refresh_from_db()
    response = client.post(
        f"/api/desk/articles/{article.pk}/assignments/",
        json.dumps({"reviewers": [reviewer.pk], "due_at": _due().isoformat()}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {clear}", HTTP_IF_MATCH=f'"{article.revision}"',
    )  # fmt: skip
    assert response.status_code == 201, response.content


def _set_quorum(client, topic, quorum: int):
    """A topic's quorum changed in the admin, as the editor-in-chief does it."""
    data = {"name": topic.name, "slug": topic.slug, "description": "", "rereview_interval_days": 365,
            "required_approvals": quorum, "required_specialties": "[]", "anonymity": "open"}  # fmt: skip
    response = client.post(f"/admin/articles/topic/{topic.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_every_step_keeps_the_stored_flag_true(client, editor, author, django_capture_on_commit_callbacks):
    pairs = make_topic("Pairs", required_approvals=2)
    r1, r2, r3, r4 = (make_reviewer(f"walk{i}") for i in range(1, 5))
    article = make_article(author=author, topic=pairs)
    bystander = make_article(author=author, topic=pairs, status=S.SUBMITTED)  # another topic article, unassigned
    assert not _flag(article) and _flag(bystander)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=article, actor=author)
        assert _flag(article)  # submitted, nobody invited
        assignments.assignment_create(article=article, reviewer=r1, actor=editor, due_at=_due())
        assert _flag(article)  # 1 of 2
        _api_invite(client, editor, article, r2)
        assert not _flag(article)  # 2 of 2, through the API
        assignments.assignment_decline(assignment=_open(article, r2), actor=r2.user, reason="Away")
        assert _flag(article)
        assignments.assignment_withdraw(assignment=_open(article, r1), actor=editor, reason="Unreachable")
        assert _flag(article)
        assignments.assignments_create(article=article, reviewers=[r3, r4], actor=editor, due_at=_due())
        assert not _flag(article)
        assignments.assignment_accept(assignment=_open(article, r3), actor=r3.user, conflict="none")
        assert Article.objects.get(pk=article.pk).status == S.UNDER_REVIEW and not _flag(article)
        client.force_login(make_user("walk-chief", is_superuser=True, is_staff=True))
        _set_quorum(client, pairs, 3)
        assert _flag(article) and _flag(bystander)  # 2 of 3
        _set_quorum(client, pairs, 2)
        assert not _flag(article)
        assignments.assignment_reassign(
            assignment=_open(article, r4), reviewer=r1, actor=editor, due_at=_due(), reason="Faster"
        )
        assert not _flag(article)
        _walk_edits_decisions_and_rereview(article, editor=editor, author=author, reviewers=(r1, r3))
        assert _flag(bystander)


def _walk_edits_decisions_and_rereview(article, *, editor, author, reviewers):
    r1, r3 = reviewers
    article.refresh_from_db()
    new = content_of(article)
    new = type(new)(title=new.title, summary=new.summary, body=new.body + "\n\nMore.", references=new.references)
    workflow.edit(article=article, actor=editor, content=new, reason="Clarified", expected_revision=article.revision)
    article.refresh_from_db()
    # The edit marked the round stale; the reviewer who had accepted is re-invited: 1 of 2.
    assert article.revision == 2 and _flag(article)
    single = make_topic("Singles", required_approvals=1)
    workflow.article_edit(
        article=article, actor=editor, content=content_of(article), metadata={"topic": single},
        reason="Moved topic", expected_revision=article.revision, expected_version=article.version,
    )  # fmt: skip
    assert not _flag(article)  # 1 of 1 on the new topic
    assignments.assignment_accept(assignment=_open(article, r3), actor=r3.user, conflict="none")
    _decide(_open(article, r3), r3)
    article.refresh_from_db()
    assert article.status == S.APPROVED and not _flag(article)
    r3.active = False  # no previous reviewer to re-invite: the scheduled re-review's round needs one
    r3.save()
    scheduling.rereview_run_due(today=article.next_review_due + timedelta(days=1))
    article.refresh_from_db()
    assert article.status == S.SUBMITTED and _flag(article)
    assignments.assignment_create(article=article, reviewer=r1, actor=editor, due_at=_due())
    assert not _flag(article)
    workflow.withdraw(article=article, actor=author)
    assert Article.objects.get(pk=article.pk).status == S.DRAFT and not _flag(article)
    workflow.submit(article=article, actor=author)
    assert _flag(article)  # r1 never accepted, so the resubmission re-invites nobody
    assignments.assignment_create(article=article, reviewer=r1, actor=editor, due_at=_due())
    assignments.assignment_accept(assignment=_open(article, r1), actor=r1.user, conflict="none")
    _decide(_open(article, r1), r1, decision="request_changes")
    assert Article.objects.get(pk=article.pk).status == S.CHANGES_REQUESTED and not _flag(article)
    workflow.submit(article=article, actor=author)
    assert not _flag(article)  # r1 decided before: re-invited, 1 of 1
    workflow.archive(article=article, actor=editor, reason="Superseded")
    assert not _flag(article)


def test_a_save_from_an_older_copy_never_puts_the_old_flag_back(editor, author):
    article = make_article(author=author, status=S.SUBMITTED)
    stale_copy = Article.objects.get(pk=article.pk)
    assert stale_copy.needs_reviewer
    assignments.assignment_create(article=article, reviewer=make_reviewer("saver"), actor=editor, due_at=_due())
    stale_copy.summary = "Edited from a copy read before the invitation."
    stale_copy.save()
    assert not Article.objects.get(pk=article.pk).needs_reviewer and not _flag(article)


def test_the_migration_fills_the_flag_from_the_assignments(editor, author):
    lonely = make_article(author=author, status=S.SUBMITTED)
    covered = make_article(author=author, status=S.UNDER_REVIEW)
    ReviewAssignment.objects.create(article=covered, reviewer=make_reviewer("mig"), revision=1, status="accepted",
                                    assigned_by=editor, due_at=_due(), conflict="none")  # fmt: skip
    Article.objects.update(needs_reviewer=False)
    Article.objects.filter(pk=covered.pk).update(needs_reviewer=True)
    migration = importlib.import_module("articles.migrations.0019_desk_needs_reviewer")
    migration.fill_needs_reviewer(django_apps, None)
    assert _flag(lonely) and not _flag(covered)


def test_the_desk_lists_the_flagged_rounds_with_their_counts(client, editor, author):
    pairs = make_topic("Quorum of two", required_approvals=2)
    half = make_article(author=author, topic=pairs, status=S.UNDER_REVIEW, title="Half reviewed")
    due = timezone.now() + timedelta(days=3)
    make_assignment_ = ReviewAssignment.objects.create
    make_assignment_(article=half, reviewer=make_reviewer("half"), revision=1, status="accepted",
                     assigned_by=editor, due_at=due, conflict="none")  # fmt: skip
    rounds.desk_flag_refresh(article_id=half.pk)
    nobody = make_article(author=author, status=S.SUBMITTED, title="Nobody yet")
    make_article(author=author, status=S.DRAFT, title="Still a draft")
    board = desk.dashboard_for_editor(user=editor)
    shown = {a.pk: (a.reviewers, a.quorum, a.first_due) for a in board.waiting}
    assert shown == {half.pk: (1, 2, due), nobody.pk: (0, 1, None)}
    client.force_login(editor)
    listed = client.get("/admin/articles/article/", {"desk": "waiting"}).context["cl"].result_list
    assert {a.pk for a in listed} == {half.pk, nobody.pk}
    html = client.get("/review/desk/").content.decode()
    assert "Half reviewed" in html and "1 of 2" in html and "Still a draft" not in html


def test_counts_by_state_stop_at_the_cap_and_say_so(client, editor, author, monkeypatch):
    monkeypatch.setattr(desk, "STATE_COUNT_CAP", 2)
    for _ in range(3):
        make_article(author=author)
    make_article(author=author, status=S.SUBMITTED)
    board = desk.dashboard_for_editor(user=editor)
    states = {value: n for value, _label, n in board.by_state}
    assert (states[S.DRAFT], states[S.SUBMITTED], states[S.APPROVED]) == (2, 1, 0)
    assert board.states_capped == {S.DRAFT}
    client.force_login(editor)
    html = client.get("/review/desk/").content.decode()
    assert 'data-state="draft"><strong>2+</strong> draft' in html
    assert 'data-state="submitted"><strong>1</strong> submitted' in html
    assert "count stops at 2 (“2+”)" in html


def test_the_check_command_finds_and_repairs_a_wrong_flag(author):
    from io import StringIO

    from django.core.management import CommandError, call_command

    article = make_article(author=author, status=S.SUBMITTED)
    out = StringIO()
    call_command("check_desk_flags", stdout=out)
    assert "agrees" in out.getvalue()
    Article.objects.filter(pk=article.pk).update(needs_reviewer=False)  # as a write outside the domain would
    with pytest.raises(CommandError, match=f"1 articles.*{article.pk}"):
        call_command("check_desk_flags", stdout=StringIO())
    call_command("check_desk_flags", "--fix", stdout=out)
    assert f"anew for 1 articles: {article.pk}" in out.getvalue() and _flag(article)


def test_a_save_of_a_partly_loaded_copy_keeps_the_rest_of_the_row(author):
    article = make_article(author=author, status=S.SUBMITTED, title="Loaded")
    partial = Article.objects.only("id", "summary", "version").get(pk=article.pk)
    partial.summary = "Changed"
    partial.save()
    saved = Article.objects.get(pk=article.pk)
    assert (saved.summary, saved.title, saved.status, saved.needs_reviewer) == ("Changed", "Loaded", S.SUBMITTED, True)
    assert saved.version == article.version + 1
