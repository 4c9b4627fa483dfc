"""Signed decisions: the password again, the manifestation recorded, refused attempts logged and limited."""

import json
from datetime import timedelta

import jsonschema
import pytest
import time_machine
from django.utils import timezone

from articles.models import Article
from reviews.assignments import decisions
from reviews.assignments.signatures import SignatureRefused
from reviews.exceptions import NotPermitted
from reviews.models import DecisionSignature, Review, ReviewAssignment, SignatureFailure, TransitionLog
from reviews.publishing import dossier
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_user
from tests.reviews.test_decisions import accepted, approve
from tests.reviews.test_reviewer_pages import _decide

S = Article.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def on_review(editor, author):
    article = make_article(author=author, status=S.SUBMITTED)
    reviewer = make_reviewer("signer", specialty="Neuroradiology")
    return article, reviewer, accepted(article, reviewer, editor)


def _nothing_recorded(article, assignment):
    article.refresh_from_db()
    assignment.refresh_from_db()
    assert article.status == S.UNDER_REVIEW
    assert assignment.status == ReviewAssignment.Status.ACCEPTED and assignment.decision == ""
    assert not Review.objects.exists() and not DecisionSignature.objects.exists()
    assert not TransitionLog.objects.filter(transition__in=["approve", "request_changes"]).exists()


def test_a_wrong_password_refuses_and_records_nothing_but_the_attempt(on_review):
    article, reviewer, assignment = on_review
    with pytest.raises(SignatureRefused, match=r"password is wrong.*4 attempt"):
        approve(assignment, article, password="not-my-password")
    _nothing_recorded(article, assignment)
    failure = SignatureFailure.objects.get()
    assert (failure.user, failure.assignment) == (reviewer.user, assignment)
    with pytest.raises(SignatureRefused, match="password is wrong"):
        approve(assignment, article, password="")
    assert SignatureFailure.objects.count() == 2


def test_a_signed_approval_records_the_manifestation(on_review):
    article, reviewer, assignment = on_review
    review = approve(assignment, article)
    signature = review.signature
    assert signature.signer == reviewer.user
    assert signature.printed_name == reviewer.display_name
    assert signature.credentials == reviewer.display_line
    assert signature.meaning == f"approved revision {review.revision} as medically accurate"
    assert abs(signature.signed_at - timezone.now()) < timedelta(minutes=1)


def test_request_changes_is_signed_with_its_own_meaning(on_review):
    article, _, assignment = on_review
    review = decisions.review_submit(
        assignment=assignment, actor=assignment.reviewer.user, revision=article.revision,
        decision="request_changes", checklist={}, comments="Source the dose.", password=TEST_PASSWORD,
    )  # fmt: skip
    assert review.signature.meaning == f"requested changes to revision {article.revision}"


def test_another_user_cannot_sign_and_their_guess_is_not_counted(on_review):
    article, _, assignment = on_review
    stranger = make_user("stranger", roles=["reviewer"])
    with pytest.raises(NotPermitted):
        approve(assignment, article, actor=stranger, password=TEST_PASSWORD)
    assert not SignatureFailure.objects.exists()
    _nothing_recorded(article, assignment)


def test_five_failures_lock_signing_even_with_the_right_password_until_the_window_passes(on_review, settings):
    settings.SIGNATURE_MAX_FAILURES, settings.SIGNATURE_LOCKOUT_MINUTES = 5, 15
    article, _, assignment = on_review
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(4):
            with pytest.raises(SignatureRefused, match="attempt"):
                approve(assignment, article, password="guess")
        with pytest.raises(SignatureRefused, match="signing is now locked"):
            approve(assignment, article, password="guess")
        with pytest.raises(SignatureRefused, match="Signing is locked after 5 wrong passwords; try again after"):
            approve(assignment, article)
        _nothing_recorded(article, assignment)
        clock.shift(timedelta(minutes=16))
        review = approve(assignment, article)
    assert review.signature.meaning.startswith("approved revision")
    assert SignatureFailure.objects.count() == 5


def test_the_lockout_is_per_assignment(on_review, editor):
    article, reviewer, assignment = on_review
    other_article = make_article(author=article.author, status=S.SUBMITTED)
    other = accepted(other_article, reviewer, editor)
    for _ in range(5):
        with pytest.raises(SignatureRefused):
            approve(assignment, article, password="guess")
    assert approve(other, other_article).signature is not None


def test_the_dossier_carries_the_signature_and_matches_the_schema(on_review):
    article, reviewer, assignment = on_review
    approve(assignment, article)
    data = json.loads(json.dumps(dossier.dossier_for_article(article=article)))
    jsonschema.validate(data, dossier.dossier_schema())
    [decision] = data["decisions"]
    signature = decision["signature"]
    assert signature["printed_name"] == reviewer.display_name
    assert signature["credentials"] == reviewer.display_line
    assert signature["meaning"] == f"approved revision {decision['revision']} as medically accurate"
    assert (signature["method"], signature["signer"]) == ("password", reviewer.user.username)
    broken = json.loads(json.dumps(data))
    del broken["decisions"][0]["signature"]["meaning"]
    with pytest.raises(jsonschema.ValidationError, match="'meaning' is a required property"):
        jsonschema.validate(broken, dossier.dossier_schema())


def test_the_form_asks_for_the_password_and_a_wrong_one_is_a_form_error(client, on_review):
    article, reviewer, assignment = on_review
    client.force_login(reviewer.user)
    page = client.get(f"/review/assignments/{assignment.pk}/").content.decode()
    assert 'type="password"' in page and "Your password, to sign" in page
    response = _decide(client, assignment, article, password="wrong")
    assert response.status_code == 400
    assert "The password is wrong" in response.content.decode()
    _nothing_recorded(article, assignment)
    response = _decide(client, assignment, article, password="")
    assert response.status_code == 400 and "Enter your password to sign the decision." in response.content.decode()
    assert _decide(client, assignment, article).status_code == 302


def test_the_decisions_page_shows_the_signature(client, on_review, author):
    article, reviewer, assignment = on_review
    approve(assignment, article)
    client.force_login(author)
    page = client.get(f"/review/articles/{article.pk}/decisions/").content.decode()
    assert f"Signed by {reviewer.display_name} ({reviewer.display_line})" in page
    assert "approved revision 1 as medically accurate" in page
