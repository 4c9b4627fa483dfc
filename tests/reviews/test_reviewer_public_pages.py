"""Reviewers' public pages (credentials, specialty, affiliation, the live articles they reviewed), the credit
on the article page linking to them, and the interests each credited reviewer declared, shown once cleared."""

import json
import re

import pytest

from articles.models import Article, SiteSettings
from reviews.assignments import services as assignments
from reviews.models import ReviewerProfile
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, take_through_review

S = Article.Status


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://imprimatur.example"


def _json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json"(?: nonce="[^"]*")?>(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture
def reviewer(db):
    return make_reviewer(
        "dr-page", specialty="Neuroradiology", affiliation="Northfield University Hospital",
        board_certification="FRCR",
    )  # fmt: skip


def _live(editor, reviewer, **fields) -> Article:
    article = take_through_review(make_article(**fields), editor=editor, reviewer=reviewer)
    publishing.publish(article=article, actor=editor, reason="Approved by the board")
    article.refresh_from_db()
    return article


def test_reviewer_page_shows_credentials_and_live_articles_reviewed(client, editor, reviewer):
    live = _live(editor, reviewer, title="Spinal cord compression")
    take_through_review(make_article(title="Approved, not yet live"), editor=editor, reviewer=reviewer)
    withdrawn = _live(editor, reviewer, title="Taken down")
    publishing.unpublish(article=withdrawn, actor=editor, reason="Dose under question")
    response = client.get(f"/reviewers/{reviewer.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="profile-name">Dr-Page Example, MD</h1>' in html
    assert "Neuroradiology" in html and "Northfield University Hospital" in html and "FRCR" in html
    assert f'href="{live.get_absolute_url()}"' in html
    assert "Approved, not yet live" not in html and "Taken down" not in html


def test_reviewer_page_json_ld_is_a_person_with_its_url(client, editor, reviewer):
    _live(editor, reviewer)
    data = _json_ld(client.get(f"/reviewers/{reviewer.pk}/").content.decode())
    url = f"https://imprimatur.example/reviewers/{reviewer.pk}/"
    assert data["@type"] == "ProfilePage" and data["url"] == url
    assert data["mainEntity"] == {
        "@type": "Person", "@id": url, "name": "Dr-Page Example", "url": url, "honorificSuffix": "MD",
        "knowsAbout": "Neuroradiology",
        "affiliation": {"@type": "Organization", "name": "Northfield University Hospital"},
    }  # fmt: skip


def test_article_credit_links_to_the_reviewer_page_and_json_ld_names_it(client, editor, reviewer):
    article = _live(editor, reviewer)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="/reviewers/{reviewer.pk}/">{reviewer.display_line}</a>' in html
    [person] = _json_ld(html)["reviewedBy"]
    assert person["@type"] == "Person" and person["url"] == f"https://imprimatur.example/reviewers/{reviewer.pk}/"
    assert client.get(f"/reviewers/{reviewer.pk}/").status_code == 200


def test_reviewers_no_live_page_credits_have_no_public_page(client, editor, reviewer, settings):
    assert client.get(f"/reviewers/{reviewer.pk}/").status_code == 404  # credited nowhere yet
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    article = workflow.submit(article=make_article(), actor=editor)
    make_assignment(article=article, reviewer=reviewer, assigned_by=editor)
    publishing.publish(article=article, actor=editor, reason="Pending review", provisional=True)
    assert client.get(f"/reviewers/{reviewer.pk}/").status_code == 404  # a provisional page credits no one
    assert client.get("/reviewers/999999/").status_code == 404
    assert client.get("/reviewers/99999999999/").status_code == 404


def test_reviewer_page_costs_the_same_queries_for_one_article_or_many(
    client, editor, reviewer, django_assert_max_num_queries
):
    _live(editor, reviewer, title="The first")
    with django_assert_max_num_queries(2) as one:
        assert client.get(f"/reviewers/{reviewer.pk}/").status_code == 200
    for n in range(4):
        _live(editor, reviewer, title=f"Another {n}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(f"/reviewers/{reviewer.pk}/").content.decode()
    assert all(title in html for title in ("The first", "Another 0", "Another 3"))


# Declared interests beside the credit


def _approved_with_interest(editor, chief, reviewer, statement: str) -> Article:
    article = workflow.start_review(article=workflow.submit(article=make_article(), actor=editor), actor=editor)
    assignment = make_assignment(
        article=article, reviewer=reviewer, assigned_by=editor, conflict="interest", conflict_statement=statement
    )
    assignments.conflict_clear(assignment=assignment, actor=chief, reason="Minor and historical")
    assignment.refresh_from_db()
    make_approval(assignment=assignment)
    article = workflow.approve(article=article, actor=reviewer.user)
    publishing.publish(article=article, actor=editor, reason="Approved by the board")
    article.refresh_from_db()
    return article


def test_cleared_interest_is_shown_beside_the_credit(client, editor, chief, reviewer):
    article = _approved_with_interest(editor, chief, reviewer, "Spoke at a 2024 meeting funded by Acme Imaging.")
    [credit] = article.live_publication.reviewer_credits
    assert credit["interests"] == "Spoke at a 2024 meeting funded by Acme Imaging."
    html = client.get(article.get_absolute_url()).content.decode()
    shown = html[html.index('data-testid="reviewer-interests"') :][:200]
    assert (
        "Declared interests: Spoke at a 2024 meeting funded by Acme Imaging. (cleared by the editor-in-chief)" in shown
    )


def test_a_reviewer_with_no_interest_is_shown_as_none_declared(client, editor, reviewer):
    article = _live(editor, reviewer)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Declared interests: none declared" in html


def test_an_uncleared_interest_is_never_credited_so_never_shown(client, editor, reviewer):
    article = workflow.start_review(article=workflow.submit(article=make_article(), actor=editor), actor=editor)
    assignment = make_assignment(
        article=article, reviewer=reviewer, assigned_by=editor, conflict="interest", conflict_statement="Shares in Acme"
    )
    make_approval(assignment=assignment, eligible=False)
    other = make_reviewer("dr-other")
    make_approval(assignment=make_assignment(article=article, reviewer=other, assigned_by=editor))
    article = workflow.approve(article=article, actor=other.user)
    publishing.publish(article=article, actor=editor, reason="Approved by the board")
    html = client.get(Article.objects.get(pk=article.pk).get_absolute_url()).content.decode()
    assert "Shares in Acme" not in html and reviewer.display_name not in html
    assert ReviewerProfile.objects.get(pk=reviewer.pk).display_line not in html
