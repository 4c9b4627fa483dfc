"""A reviewer's verification records what was checked, against which public register, by whom and when it must
be checked again; once that date passes the reviewer may not accept or approve, as with an expired licence."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from reviews import permissions as perms
from reviews.assignments import services as assignments
from reviews.board.services import CredentialsRefused, reviewer_credentials_verify
from reviews.exceptions import WorkflowError
from reviews.models import ReviewerProfile
from tests.factories import make_article, make_assignment, make_reviewer

CHECK = {
    "checked": "MD degree; FRCR; licence L-1234 in good standing",
    "register": "GMC List of Registered Medical Practitioners",
}


def test_verification_records_what_where_who_and_when_again(editor, settings):
    settings.CREDENTIALS_RECHECK_DAYS = 180
    profile = reviewer_credentials_verify(profile=make_reviewer("dr-check", verified=False), actor=editor, **CHECK)
    profile.refresh_from_db()
    assert (profile.credentials_checked, profile.credentials_register) == (CHECK["checked"], CHECK["register"])
    assert profile.credentials_verified_by == editor and profile.credentials_verified_at is not None
    assert profile.credentials_recheck_due == timezone.localdate() + timedelta(days=180)
    assert profile.history.first().history_change_reason == f"credentials verified against {CHECK['register']}"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"checked": " ", "register": "GMC"}, "say what was checked"),
        ({"checked": "MD", "register": ""}, "say the public register it was checked against"),
        ({**CHECK, "recheck_due": "today"}, "the re-check date must be in the future"),
    ],
)
def test_verification_without_its_facts_is_refused_and_changes_nothing(editor, fields, message):
    profile = make_reviewer("dr-vague", verified=False)
    if fields.get("recheck_due") == "today":
        fields = {**fields, "recheck_due": timezone.localdate()}
    with pytest.raises(CredentialsRefused, match=message):
        reviewer_credentials_verify(profile=profile, actor=editor, **fields)
    profile.refresh_from_db()
    assert profile.credentials_verified_at is None and profile.credentials_register == ""


def test_only_an_editor_verifies(author):
    with pytest.raises(PermissionDenied):
        reviewer_credentials_verify(profile=make_reviewer("dr-self", verified=False), actor=author, **CHECK)


def test_a_passed_recheck_blocks_acceptance_as_an_expired_licence_does(editor):
    reviewer = make_reviewer("dr-lapsed")
    assert perms.credentials_problem(reviewer) is None
    ReviewerProfile.objects.filter(pk=reviewer.pk).update(
        credentials_recheck_due=timezone.localdate() - timedelta(days=1)
    )
    reviewer.refresh_from_db()
    problem = perms.credentials_problem(reviewer)
    assert problem == f"{reviewer.display_name}'s credentials were due to be re-checked on " + (
        f"{timezone.localdate() - timedelta(days=1):%Y-%m-%d}"
    )
    article = make_article(status=Article.Status.UNDER_REVIEW)
    assignment = make_assignment(article=article, reviewer=reviewer, status="invited", assigned_by=editor)
    with pytest.raises(WorkflowError, match="due to be re-checked"):
        assignments.assignment_accept(assignment=assignment, actor=reviewer.user, conflict="none")
    assignment.refresh_from_db()
    assert assignment.status == "invited"
    reviewer_credentials_verify(profile=reviewer, actor=editor, **CHECK)
    reviewer.refresh_from_db()
    assert perms.credentials_problem(reviewer) is None


def test_admin_action_asks_what_was_checked_first(admin_client):
    profile = make_reviewer("dr-admin", verified=False)
    url = reverse("admin:reviews_reviewerprofile_changelist")
    asked = admin_client.post(url, {"action": "verify_credentials", "_selected_action": [profile.pk]})
    assert asked.status_code == 200 and 'name="register"' in asked.content.decode()
    profile.refresh_from_db()
    assert profile.credentials_verified_at is None
    admin_client.post(url, {"action": "verify_credentials", "_selected_action": [profile.pk], "apply": "1", **CHECK})
    profile.refresh_from_db()
    assert profile.credentials_register == CHECK["register"] and profile.credentials_recheck_due is not None
