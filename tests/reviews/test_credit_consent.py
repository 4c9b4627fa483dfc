"""Consent to public credit: who may change it (with history), what readers see without it, and a topic
that requires credited sign-off refusing approvals from reviewers who asked not to be named."""

import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from articles.models import Article
from reviews.assignments import decisions
from reviews.assignments.decisions import CHECKLIST, DecisionRefused
from reviews.board.services import credit_consent_set
from reviews.exceptions import TransitionNotAllowed
from reviews.masking import UNNAMED_CREDIT
from reviews.models import Review, ReviewerProfile
from reviews.publishing import services as publishing
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from tests.factories import (
    TEST_PASSWORD,
    make_approval,
    make_article,
    make_assignment,
    make_reviewer,
    make_topic,
    take_through_review,
)

pytestmark = pytest.mark.django_db
S = Article.Status


def _declined(username="quietone", **fields) -> ReviewerProfile:
    profile = make_reviewer(username, **fields)
    profile.consents_to_public_credit = False
    profile.save(update_fields=["consents_to_public_credit"])
    return profile


def _credited_topic():
    return make_topic("Cardiology", requires_credited_signoff=True)


def test_consent_is_on_by_default():
    assert make_reviewer("plain").consents_to_public_credit is True


def test_the_reviewer_changes_their_own_consent_and_the_history_says_who(client):
    profile = make_reviewer("shy")
    client.force_login(profile.user)
    assert client.get(reverse("reviews:credit")).status_code == 200
    response = client.post(reverse("reviews:credit"), {})  # the box unticked
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.consents_to_public_credit is False
    last = profile.history.order_by("-history_id").first()
    assert last.history_user == profile.user and "declines public credit" in last.history_change_reason
    page = client.get(reverse("reviews:credit")).content.decode()
    assert "a board reviewer who asked not to be named (MD, Neurosurgery)" in page


def test_an_editor_may_change_consent_and_another_reviewer_may_not(editor):
    profile, other = make_reviewer("named"), make_reviewer("nosy")
    with pytest.raises(PermissionDenied, match="Only the reviewer or an editor"):
        credit_consent_set(profile=profile, actor=other.user, consents=False)
    profile.refresh_from_db()
    assert profile.consents_to_public_credit is True and profile.history.count() == 1
    credit_consent_set(profile=profile, actor=editor, consents=False)
    profile.refresh_from_db()
    assert profile.consents_to_public_credit is False
    assert profile.history.order_by("-history_id").first().history_user == editor


def test_the_credit_page_is_for_the_board_only(client, author):
    client.force_login(author)
    assert client.get(reverse("reviews:credit")).status_code == 403


def test_a_declined_reviewer_cannot_approve_where_credited_signoff_is_required(editor):
    article = make_article(topic=_credited_topic(), status=S.UNDER_REVIEW)
    quiet = _declined(specialty="Cardiology")
    assignment = make_assignment(article=article, reviewer=quiet, assigned_by=editor)
    with pytest.raises(DecisionRefused, match="requires credited sign-off, and you asked not to be named"):
        decisions.review_submit(
            assignment=assignment, actor=quiet.user, revision=article.revision, decision="approve",
            checklist={key: True for key, _ in CHECKLIST}, password=TEST_PASSWORD,
        )  # fmt: skip
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW and not Review.objects.exists()


def test_the_gate_does_not_count_an_uncredited_approval_and_says_why(editor):
    article = make_article(topic=_credited_topic(), status=S.UNDER_REVIEW)
    quiet = _declined()
    make_approval(assignment=make_assignment(article=article, reviewer=quiet, assigned_by=editor))
    missing = gate.signoff_missing(article=article)
    assert missing == (
        f"the topic Cardiology requires credited sign-off: 1 approval(s) on revision {article.revision} from "
        "reviewers who consent to public credit; it has 0; 1 from reviewers who asked not to be named do not count"
    )
    with pytest.raises(TransitionNotAllowed, match="requires credited sign-off"):
        workflow.approve(article=article, actor=quiet.user)
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW


def test_a_credited_approval_meets_the_rule(editor):
    article = make_article(topic=_credited_topic(), status=S.UNDER_REVIEW)
    named = make_reviewer("openly")
    make_approval(assignment=make_assignment(article=article, reviewer=named, assigned_by=editor))
    assert gate.signoff_missing(article=article) is None
    assert workflow.approve(article=article, actor=named.user).status == S.APPROVED


def test_without_the_topic_rule_an_uncredited_approval_counts_and_readers_see_an_honest_credit(client, editor):
    quiet = _declined(specialty="Neuroradiology")
    article = take_through_review(make_article(), editor=editor, reviewer=quiet)
    assert article.status == S.APPROVED
    publication = publishing.publish(article=article, actor=editor, reason="First publication")
    assert publication.reviewer_credits[0]["display"] == f"{UNNAMED_CREDIT} (MD, Neuroradiology)"
    assert "reviewer_id" not in publication.reviewer_credits[0]
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Quietone" not in page and "quietone" not in page
    assert "A board reviewer who asked not to be named (MD, Neuroradiology)" in page
    script = re.search(r'<script type="application/ld\+json"(?: nonce="[^"]+")?>(.*?)</script>', page, re.S).group(1)
    assert "reviewedBy" not in json.loads(script)  # no Person to name
    api = client.get(f"/api/articles/{article.slug}/").content.decode()
    assert "Quietone" not in api and UNNAMED_CREDIT in api


def test_a_named_reviewer_stays_named_beside_an_unnamed_one(client, editor):
    article = make_article(status=S.UNDER_REVIEW, topic=make_topic("Oncology", required_approvals=2))
    named, quiet = make_reviewer("loud"), _declined()
    for profile in (named, quiet):
        make_approval(assignment=make_assignment(article=article, reviewer=profile, assigned_by=editor))
    workflow.approve(article=article, actor=named.user)
    publication = publishing.publish(article=article, actor=editor, reason="First publication")
    shown = [credit["display"] for credit in publication.reviewer_credits]
    assert shown == ["Loud Example, MD, Neurosurgery", f"{UNNAMED_CREDIT} (MD, Neurosurgery)"]


def test_the_authors_decisions_page_gives_the_credit_as_readers_get_it(client, editor, author):
    quiet = _declined(specialty="Neuroradiology")
    article = take_through_review(make_article(author=author), editor=editor, reviewer=quiet)
    client.force_login(author)
    page = client.get(reverse("reviews:decisions", args=[article.pk])).content.decode()
    assert f"Reviewed by {UNNAMED_CREDIT} (MD, Neuroradiology)" in page


def test_the_review_page_says_before_deciding_that_the_approval_would_not_count(client, editor):
    article = make_article(topic=_credited_topic(), status=S.UNDER_REVIEW)
    quiet = _declined()
    assignment = make_assignment(article=article, reviewer=quiet, assigned_by=editor)
    client.force_login(quiet.user)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert 'data-testid="uncredited"' in page and "requires credited sign-off" in page


def test_the_assign_page_shows_the_mode_and_who_would_not_count(client, editor):
    article = make_article(topic=_credited_topic(), status=S.SUBMITTED)
    _declined(specialty="Cardiology")
    client.force_login(editor)
    page = client.get(reverse("reviews:desk-assign", args=[article.pk])).content.decode()
    assert "credited reviewers only" in page and "Open: authors and reviewers see each other" in page
    assert "asked not to be named: their approval does not count here" in page


def test_the_dossier_keeps_the_unnamed_credit_and_validates(editor):
    import jsonschema

    from reviews.publishing import dossier

    quiet = _declined(specialty="Neuroradiology")
    article = take_through_review(make_article(), editor=editor, reviewer=quiet)
    publishing.publish(article=article, actor=editor, reason="First publication")
    data = json.loads(json.dumps(dossier.dossier_for_article(article=article)))
    jsonschema.validate(data, dossier.dossier_schema())
    credit = data["publications"][0]["reviewer_credits"][0]
    assert credit["named"] is False and credit["display"] == f"{UNNAMED_CREDIT} (MD, Neuroradiology)"
    assert data["decisions"][0]["reviewer_id"] == quiet.pk  # the record keeps who approved
