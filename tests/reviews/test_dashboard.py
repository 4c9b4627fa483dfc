"""The editors' desk: what it lists, the assign form, reassigning, and fixed query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from reviews.admin.selectors import dashboard_for_editor
from reviews.assignments import services as assignments
from reviews.exceptions import NotPermitted
from reviews.models import ReviewAssignment
from tests.factories import make_article, make_assignment, make_reviewer, make_topic

S = Article.Status
pytestmark = pytest.mark.django_db


def test_dashboard_lists_states_overdue_waiting_rereview_expiring_and_interests(editor, author):
    today = timezone.localdate()
    waiting = make_article(author=author, status=S.SUBMITTED, title="Nobody assigned yet")
    late = make_article(author=author, status=S.UNDER_REVIEW, title="Late review")
    slow = make_reviewer("slow")
    overdue = make_assignment(article=late, reviewer=slow, due_at=timezone.now() - timedelta(days=2))
    make_assignment(article=late, reviewer=make_reviewer("ontime"))
    due_again = make_article(author=author, status=S.APPROVED, next_review_due=today - timedelta(days=1))
    make_article(author=author, status=S.APPROVED, next_review_due=today + timedelta(days=30))
    expiring = make_reviewer("expiring", licence_expires=today + timedelta(days=59))
    make_reviewer("fine", licence_expires=today + timedelta(days=61))
    unverified = make_reviewer("unverified", verified=False)
    interest = make_assignment(
        article=make_article(author=author, status=S.UNDER_REVIEW), reviewer=make_reviewer("conflicted"),
        conflict="interest", conflict_statement="Shares",
    )  # fmt: skip
    board = dashboard_for_editor(user=editor)
    states = {value: n for value, _label, n in board.by_state}
    assert states[S.SUBMITTED] == 1 and states[S.UNDER_REVIEW] == 2 and states[S.APPROVED] == 2
    assert board.overdue == [overdue]
    assert waiting in board.waiting and late not in board.waiting
    assert board.rereview_due == [due_again]
    assert set(board.expiring) == {expiring, unverified}
    assert board.interests == [interest]


def test_quorum_decides_who_is_waiting_for_reviewers(editor, author):
    article = make_article(author=author, status=S.SUBMITTED, topic=make_topic("Pairs", required_approvals=2))
    make_assignment(article=article, reviewer=make_reviewer("one"), status="invited")
    assert article in dashboard_for_editor(user=editor).waiting
    make_assignment(article=article, reviewer=make_reviewer("two"), status="invited")
    assert article not in dashboard_for_editor(user=editor).waiting


def test_the_desk_is_for_editors_only(client, author):
    with pytest.raises(NotPermitted):
        dashboard_for_editor(user=author)
    client.force_login(author)
    assert client.get("/review/desk/").status_code == 403


def test_the_dashboard_page_shows_each_list(client, editor, author):
    make_article(author=author, status=S.SUBMITTED, title="Needs a reviewer")
    client.force_login(editor)
    html = client.get("/review/desk/").content.decode()
    for heading in ("Articles by state", "Assignments overdue", "Needs a reviewer", "Past their re-review date",
                    "credentials expiring within 60 days"):  # fmt: skip
        assert heading in html
    assert "Needs a reviewer" in html


def _load(author, n):
    for i in range(n):
        article = make_article(author=author, status=S.UNDER_REVIEW, title=f"Row {i}")
        make_assignment(article=article, reviewer=make_reviewer(f"rev{i}-{n}", licence_expires=timezone.localdate()),
                        due_at=timezone.now() - timedelta(days=1))  # fmt: skip
        make_article(author=author, status=S.SUBMITTED, title=f"Waiting {i}")
        make_article(author=author, status=S.APPROVED, next_review_due=timezone.localdate() - timedelta(days=1))


def test_the_dashboard_runs_a_fixed_number_of_queries(client, editor, author, django_assert_max_num_queries):
    _load(author, 1)
    client.force_login(editor)
    client.get("/review/desk/")
    with django_assert_max_num_queries(12) as one:
        client.get("/review/desk/")
    _load(author, 25)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get("/review/desk/").content.decode()
    assert html.count("Waiting ") >= 26


def test_the_assign_form_suggests_and_assigns(client, editor, author):
    article = make_article(author=author, status=S.SUBMITTED)
    reviewer = make_reviewer("picked")
    client.force_login(editor)
    page = client.get(f"/review/desk/articles/{article.pk}/assign/")
    assert page.status_code == 200 and "Picked Example, MD, Neurosurgery" in page.content.decode()
    due_on = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/review/desk/articles/{article.pk}/assign/", {"reviewers": [reviewer.pk], "due_on": due_on}
    )
    assert response.status_code == 302
    made = ReviewAssignment.objects.get()
    assert (made.reviewer, made.status, made.due_at.date().isoformat()) == (reviewer, "invited", due_on)


def test_the_assign_form_shows_each_refusal_and_writes_nothing(client, editor, author):
    article = make_article(author=author, status=S.SUBMITTED)
    busy = make_reviewer("busy", max_open_assignments=0)
    client.force_login(editor)
    due_on = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(f"/review/desk/articles/{article.pk}/assign/", {"reviewers": [busy.pk], "due_on": due_on})
    assert response.status_code == 400 and "at their cap of 0" in response.content.decode()
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(f"/review/desk/articles/{article.pk}/assign/", {"reviewers": [busy.pk], "due_on": past})
    assert response.status_code == 400 and "in the past" in response.content.decode()
    response = client.post(f"/review/desk/articles/{article.pk}/assign/", {"due_on": "not a date"})
    assert response.status_code == 400 and "Choose at least one reviewer" in response.content.decode()
    assert not ReviewAssignment.objects.exists()
    assert client.get("/review/desk/articles/999999/assign/").status_code == 404


def test_reassign_and_withdraw_from_the_desk(client, editor, author):
    article = make_article(author=author, status=S.SUBMITTED)
    slow, quick = make_reviewer("slow"), make_reviewer("quick")
    invited = assignments.assignment_create(
        article=article, reviewer=slow, actor=editor, due_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(editor)
    due_on = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/review/desk/assignments/{invited.pk}/reassign/",
        {"reviewer": quick.pk, "due_on": due_on, "reason": "Overdue"},
    )
    assert response.status_code == 302
    new = ReviewAssignment.objects.get(reviewer=quick)
    response = client.post(f"/review/desk/assignments/{new.pk}/withdraw/", {"reason": ""})
    new.refresh_from_db()
    assert new.status == "invited"  # a withdrawal needs a reason
    client.post(f"/review/desk/assignments/{new.pk}/withdraw/", {"reason": "Article paused"})
    new.refresh_from_db()
    assert new.status == "withdrawn"


def test_the_chief_clears_a_conflict_from_the_desk(client, editor, chief, author):
    article = make_article(author=author, status=S.UNDER_REVIEW)
    held = make_assignment(article=article, reviewer=make_reviewer("held"), conflict="interest", conflict_statement="x")
    client.force_login(editor)
    client.post(f"/review/desk/assignments/{held.pk}/clear-conflict/", {"reason": "fine"})
    held.refresh_from_db()
    assert held.conflict_cleared_by is None
    client.force_login(chief)
    client.post(f"/review/desk/assignments/{held.pk}/clear-conflict/", {"reason": "Unrelated product"})
    held.refresh_from_db()
    assert (held.conflict_cleared_by, held.conflict_cleared_reason) == (chief, "Unrelated product")
