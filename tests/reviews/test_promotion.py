"""Provisional → approved → Publish: readers get the approved page in one step, never a 410."""

import pytest

from articles.models import Article, SiteSettings
from reviews.exceptions import TransitionNotAllowed
from reviews.models import TransitionLog
from reviews.publishing import dossier
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer

S = Article.Status


def _page(client, article) -> str:
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200, response.status_code  # never a 410 (or 404) on the way
    return response.content.decode()


@pytest.fixture
def provisional(db, editor):
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    article = make_article(status=S.UNDER_REVIEW)
    publishing.publish(article=article, actor=editor, reason="Urgent: pending review", provisional=True)
    article.refresh_from_db()
    return article


def _board_approves(article, name="dr-promote"):
    reviewer = make_reviewer(name)
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    return workflow.approve(article=article, actor=reviewer.user), reviewer


@pytest.mark.django_db
def test_publish_after_approval_promotes_the_provisional_revision(client, editor, provisional):
    article = provisional
    html = _page(client, article)
    assert 'data-testid="pending-banner"' in html and "Not yet reviewed" in html

    article, reviewer = _board_approves(article)
    html = _page(client, article)  # approved, not yet promoted: still the provisional page, still 200
    assert 'data-testid="pending-banner"' in html

    promoted = publishing.publish(article=article, actor=editor, reason="Board approved")
    article.refresh_from_db()
    assert promoted.revision.number == 1 and not promoted.provisional
    assert [c["display"] for c in promoted.reviewer_credits] == [reviewer.display_line]
    html = _page(client, article)
    assert 'data-testid="pending-banner"' not in html and "Not yet reviewed" not in html
    assert f'Reviewed by <strong><a href="/reviewers/{reviewer.pk}/">{reviewer.display_line}</a></strong>' in html
    assert "Approved by the medical advisory board." in html

    record = dossier.dossier_for_article(article=article)
    assert [(p["revision"], p["provisional"]) for p in record["publications"]] == [(1, True), (1, False)]
    assert TransitionLog.objects.filter(article=article, transition="publish").count() == 2

    with pytest.raises(TransitionNotAllowed, match="already live and the board has not approved it since"):
        publishing.publish(article=article, actor=editor, reason="again")


@pytest.mark.django_db
def test_the_site_setting_promotes_in_the_approving_transaction(client, editor, provisional):
    SiteSettings.objects.filter(pk=1).update(promote_on_approval=True)
    article, reviewer = _board_approves(provisional)
    article.refresh_from_db()
    live = article.live_publication
    assert not live.provisional and live.published_by == editor
    assert live.reason.startswith("promoted on approval")
    html = _page(client, article)
    assert 'data-testid="pending-banner"' not in html and reviewer.display_line in html


@pytest.mark.django_db
def test_a_provisional_revision_never_published_as_approved_before_approval(editor, provisional):
    with pytest.raises(TransitionNotAllowed, match="already live"):
        publishing.publish(article=provisional, actor=editor, reason="not yet")
