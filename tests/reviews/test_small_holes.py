"""Withdrawing a submission, the logged re-review date, and what Republish offers."""

from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.models import ReviewAssignment, TransitionLog
from reviews.workflow import transitions as workflow
from reviews.workflow.review_due import review_due_change
from tests.factories import make_article, make_assignment, make_reviewer, make_user, take_through_review

S = Article.Status


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_author_withdraws_a_submission_with_the_button_and_invitations_end(client, author):
    author.is_staff = True
    author.save()
    article = make_article(author=author, status=S.SUBMITTED)
    invited = make_assignment(article=article, reviewer=make_reviewer("dr-withdrawn"), status="invited")
    client.force_login(author)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'value="withdraw">Withdraw submission</button>' in page
    url = reverse("admin:articles_article_transition", args=[article.pk, "withdraw"])
    response = client.post(url, {"reason": "Found a mistake in the dose table"}, follow=True)
    assert "Withdraw submission: done." in _messages(response)
    article.refresh_from_db()
    invited.refresh_from_db()
    assert article.status == S.DRAFT and invited.status == ReviewAssignment.Status.WITHDRAWN
    log = TransitionLog.objects.get(article=article)
    assert (log.transition, log.from_status, log.to_status) == ("withdraw", "submitted", "draft")


@pytest.mark.django_db
def test_no_withdrawal_once_review_started_or_by_anyone_else(author, editor):
    started = make_article(author=author, status=S.UNDER_REVIEW)
    with pytest.raises(TransitionNotAllowed, match="only possible from submitted"):
        workflow.withdraw(article=started, actor=author)
    submitted = make_article(author=author, status=S.SUBMITTED)
    with pytest.raises(NotPermitted):
        workflow.withdraw(article=submitted, actor=editor)
    assert not TransitionLog.objects.exists()


@pytest.mark.django_db
def test_moving_the_rereview_date_is_a_logged_step_by_an_editor_with_a_reason(client, editor):
    article = make_article(status=S.APPROVED, next_review_due=date(2027, 1, 10))
    review_due_change(article=article, actor=editor, due=date(2027, 6, 1), reason="Guideline update expected")
    article.refresh_from_db()
    assert article.next_review_due == date(2027, 6, 1)
    log = TransitionLog.objects.get(article=article, transition="change_review_due")
    assert log.reason == "2027-01-10 → 2027-06-01: Guideline update expected" and log.actor == editor
    assert article.history.latest().history_change_reason.startswith("change_review_due: 2027-01-10 → 2027-06-01")
    with pytest.raises(TransitionNotAllowed, match="a reason is required"):
        review_due_change(article=article, actor=editor, due=date(2028, 1, 1), reason=" ")
    own = make_article(author=editor, status=S.APPROVED)
    with pytest.raises(NotPermitted, match="not the article's author"):
        review_due_change(article=own, actor=editor, due=date(2028, 1, 1), reason="mine")
    with pytest.raises(NotPermitted):
        review_due_change(article=article, actor=make_user("plain", roles=["author"]), due=None, reason="x")
    article.refresh_from_db()
    assert article.next_review_due == date(2027, 6, 1)
    assert TransitionLog.objects.filter(transition="change_review_due").count() == 1


@pytest.mark.django_db
def test_the_admin_form_no_longer_edits_the_date_and_the_desk_control_does(client, editor):
    article = make_article(status=S.APPROVED, next_review_due=date(2027, 1, 10))
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'name="next_review_due" id="id_next_review_due"' not in page and "Change re-review date" in page
    url = reverse("admin:articles_article_review_due", args=[article.pk])
    response = client.post(url, {"next_review_due": "2027-03-01", "reason": ""}, follow=True)
    assert any(m.startswith("Nothing was changed: reason") for m in _messages(response))
    response = client.post(url, {"next_review_due": "2027-03-01", "reason": "Earlier check"}, follow=True)
    assert "The re-review date is now 2027-03-01." in _messages(response)
    article.refresh_from_db()
    assert article.next_review_due == date(2027, 3, 1)


@pytest.mark.django_db
def test_republish_offers_only_revisions_approved_or_published_before(client, editor):
    from reviews.admin.selectors import change_page

    article = make_article(status=S.DRAFT)
    assert change_page(article=article).republishable == []
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Republish approved revision" not in page
    approved = make_article(status=S.APPROVED, next_review_due=date.today() + timedelta(days=30))
    assert change_page(article=approved).republishable == [1]
    # Approved through the log, then edited: revision 2 is under review and not offered.
    reviewed = take_through_review(make_article(), editor=editor, reviewer=make_reviewer("dr-republish"))
    current = content_of(reviewed)
    workflow.edit(
        article=reviewed, actor=editor, reason="new text",
        content=Content(title=current.title, summary=current.summary, body=current.body + "\nMore.\n",
                        references=current.references),
    )  # fmt: skip
    reviewed.refresh_from_db()
    assert reviewed.revision == 2 and change_page(article=reviewed).republishable == [1]
