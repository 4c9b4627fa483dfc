"""Invitation links: single-use, expiring, for one reviewer, opening one assignment's pages, stored hashed."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from articles.models import Article
from reviews.assignments import services as assignments
from reviews.assignments.invitations import SCOPE_KEY
from reviews.models import InvitationLink, ReviewAssignment
from tests.factories import TEST_PASSWORD, make_article, make_reviewer
from tests.reviews.test_reviewer_pages import _decide

S = Article.Status
pytestmark = pytest.mark.django_db
LINK = re.compile(r"/review/invitation/([\w-]+)/")


def _invite(article, reviewer, editor, django_capture_on_commit_callbacks) -> tuple[ReviewAssignment, str]:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assignments.assignment_create(
            article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
        )
    [email] = [m for m in mail.outbox if m.to == [reviewer.user.email]]
    return assignment, LINK.search(email.body).group(1)


@pytest.fixture
def invited(editor, author, django_capture_on_commit_callbacks):
    article = make_article(author=author, status=S.SUBMITTED)
    reviewer = make_reviewer("linked", specialty="Neuroradiology")
    assignment, token = _invite(article, reviewer, editor, django_capture_on_commit_callbacks)
    return article, reviewer, assignment, token


def _open(client, token):
    return client.post(f"/review/invitation/{token}/")


def test_the_email_carries_a_link_stored_only_as_its_hash(invited):
    _, _, assignment, token = invited
    link = InvitationLink.objects.get(assignment=assignment)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest() and link.token_hash != token
    assert not InvitationLink.objects.filter(token_hash__contains=token).exists()
    assert link.used_at is None and link.expires_at > timezone.now() + timedelta(days=6)


def test_opening_the_link_signs_in_the_reviewer_for_that_assignment_only(client, invited, editor, author):
    article, reviewer, assignment, token = invited
    landing = client.get(f"/review/invitation/{token}/")
    assert landing.status_code == 200 and "Open the invitation" in landing.content.decode()
    assert '(revision 1: <span class="round-label">new article</span>)' in landing.content.decode()
    assert InvitationLink.objects.get().used_at is None  # a GET (a mail scanner) uses nothing
    response = _open(client, token)
    assert response.status_code == 302 and response["Location"] == f"/review/assignments/{assignment.pk}/"
    assert client.session[SCOPE_KEY] == assignment.pk
    assert client.get(f"/review/assignments/{assignment.pk}/").status_code == 200
    # Every other page, including the reviewer's own other assignment, is closed to this session.
    other = assignments.assignment_create(
        article=make_article(author=author, status=S.SUBMITTED), reviewer=reviewer, actor=editor,
        due_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    for url in ("/review/", f"/review/assignments/{other.pk}/", f"/review/articles/{article.pk}/decisions/",
                "/review/desk/", "/admin/", "/api/articles/", "/"):  # fmt: skip
        page = client.get(url)
        assert page.status_code == 403, url
        assert "opens only the pages of that assignment" in page.content.decode()


def test_accepting_through_the_link_still_needs_the_declaration_and_deciding_still_needs_the_password(client, invited):
    article, _, assignment, token = invited
    _open(client, token)
    url = f"/review/assignments/{assignment.pk}/accept/"
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"conflict": "none"}).status_code == 302
    assert _decide(client, assignment, article, password="").status_code == 400
    assert _decide(client, assignment, article).status_code == 302
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_a_used_link_gives_a_clear_page_and_no_access(client, invited):
    _, _, assignment, token = invited
    _open(client, token)
    client.logout()
    response = _open(client, token)
    assert response.status_code == 410 and "This link was already used" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(f"/review/assignments/{assignment.pk}/").status_code == 302  # to the sign-in page


def test_an_expired_link_gives_a_clear_page_and_no_access(client, invited, settings):
    _, _, _, token = invited
    with time_machine.travel(timezone.now() + timedelta(days=settings.INVITATION_LINK_DAYS, minutes=1)):
        response = _open(client, token)
    assert response.status_code == 410 and "This link has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert InvitationLink.objects.get().used_at is None


def test_a_tampered_link_gives_a_clear_page_and_no_access(client, invited):
    _, _, _, token = invited
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), token[:10], "x" * 43):
        response = _open(client, bad)
        assert response.status_code == 404 and "This link is not valid" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_reviewer_signed_in_cannot_use_the_link(client, invited, editor, django_capture_on_commit_callbacks):
    article, _, assignment, token = invited
    other = make_reviewer("colleague")
    client.force_login(other.user)
    response = _open(client, token)
    assert response.status_code == 403 and "This invitation is for someone else" in response.content.decode()
    assert InvitationLink.objects.get(assignment=assignment).used_at is None
    assert client.get(f"/review/assignments/{assignment.pk}/").status_code == 404
    # and one reviewer's link never opens another's assignment
    their_assignment, their_token = _invite(article, other, editor, django_capture_on_commit_callbacks)
    client.logout()
    _open(client, their_token)
    assert client.get(f"/review/assignments/{assignment.pk}/").status_code == 403
    assert client.get(f"/review/assignments/{their_assignment.pk}/").status_code == 200


def test_a_link_to_a_withdrawn_assignment_is_closed(client, invited, editor):
    _, _, assignment, token = invited
    assignments.assignment_withdraw(assignment=assignment, actor=editor, reason="Found another reviewer")
    response = _open(client, token)
    assert response.status_code == 410 and "This invitation is closed" in response.content.decode()


def test_a_reviewer_without_a_password_sets_one_on_first_use(
    client, editor, author, django_capture_on_commit_callbacks
):
    article = make_article(author=author, status=S.SUBMITTED)
    reviewer = make_reviewer("newcomer")
    reviewer.user.set_unusable_password()
    reviewer.user.save()
    assignment, token = _invite(article, reviewer, editor, django_capture_on_commit_callbacks)
    assert "Choose the password" in client.get(f"/review/invitation/{token}/").content.decode()
    response = client.post(f"/review/invitation/{token}/", {"new_password1": "x", "new_password2": "y"})
    assert response.status_code == 400 and InvitationLink.objects.get().used_at is None
    chosen = "a-long-signing-passphrase-2026"
    response = client.post(f"/review/invitation/{token}/", {"new_password1": chosen, "new_password2": chosen})
    assert response.status_code == 302 and response["Location"] == f"/review/assignments/{assignment.pk}/"
    reviewer.user.refresh_from_db()
    assert reviewer.user.check_password(chosen)


def test_signing_out_ends_the_scoped_session(client, invited):
    _, reviewer, _, token = invited
    _open(client, token)
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": reviewer.user.username, "password": TEST_PASSWORD})
    assert SCOPE_KEY not in client.session
    assert client.get("/review/").status_code == 200


def test_a_plain_sign_in_is_not_limited(client, invited):
    _, reviewer, _, _ = invited
    client.force_login(reviewer.user)
    assert client.get("/review/").status_code == 200


def test_a_link_for_a_deactivated_account_signs_nobody_in(client, invited):
    _, reviewer, _, token = invited
    reviewer.user.is_active = False
    reviewer.user.save(update_fields=["is_active"])
    response = _open(client, token)
    assert response.status_code == 403 and "This account is closed" in response.content.decode()
    assert "_auth_user_id" not in client.session
