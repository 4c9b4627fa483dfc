"""JSON-LD, Open Graph, canonical links, sitemap.xml, robots.txt and the editorial policy page."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, SiteSettings
from reviews.models import Review
from reviews.publishing import services as publishing
from tests.factories import make_article, make_publication, make_reviewer, make_user, take_through_review

S = Article.Status
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://imprimatur.example"


def _json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json"(?: nonce="[^"]+")?>(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture
def reviewed(db):
    """An article approved through the real workflow and published by an editor."""
    editor = make_user("publishing-editor", roles=["editor"])
    reviewer = make_reviewer("jdoe", specialty="Neuroradiology")
    article = make_article(summary="Radiotherapy first; surgery for some.")
    article = take_through_review(article, editor=editor, reviewer=reviewer)
    publishing.publish(article=article, actor=editor, reason="approved by the board")
    article.refresh_from_db()
    return article, reviewer


def test_json_ld_carries_reviewer_and_review_date_of_the_approving_review(client, reviewed):
    article, reviewer = reviewed
    review = Review.objects.get(article=article, decision="approve")
    data = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org" and data["@type"] == "MedicalWebPage"
    profile_url = f"https://imprimatur.example/reviewers/{reviewer.pk}/"
    assert data["reviewedBy"] == [
        {
            "@type": "Person",
            "name": reviewer.display_name,
            "@id": profile_url,
            "url": profile_url,
            "honorificSuffix": "MD",
            "hasCredential": {"@type": "EducationalOccupationalCredential", "credentialCategory": "MD"},
            "knowsAbout": "Neuroradiology",
        }
    ]
    assert data["lastReviewed"] == timezone.localtime(review.created_at).date().isoformat()
    assert data["dateModified"] == article.live_publication.published_at.isoformat()
    assert data["audience"] == {"@type": "MedicalAudience", "audienceType": "Clinician"}
    assert data["url"] == f"https://imprimatur.example/articles/{article.slug}/"
    assert len(data["citation"]) == 2 and data["citation"][0]["name"].startswith(
        "Direct decompressive surgical resection"
    )
    assert data["citation"][0]["sameAs"] == [
        "https://doi.org/10.1016/s0140-6736(05)66954-1",
        "https://pubmed.ncbi.nlm.nih.gov/16112300/",
    ]


def test_page_shows_the_same_credit_as_the_json_ld(client, reviewed):
    article, reviewer = reviewed
    review = Review.objects.get(article=article, decision="approve")
    html = client.get(article.get_absolute_url()).content.decode()
    when = timezone.localtime(review.created_at)
    assert f'Reviewed by <strong><a href="/reviewers/{reviewer.pk}/">{reviewer.display_line}</a></strong>' in html
    assert f"{when.day} {when:%B %Y}</time>" in html


def test_provisional_json_ld_claims_no_review(client, db):
    article = make_article(status=S.SUBMITTED, audience="patient")
    make_publication(article=article, provisional=True, credits=[])
    data = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert "reviewedBy" not in data and "lastReviewed" not in data
    assert data["audience"]["audienceType"] == "Patient"


def test_json_ld_cannot_be_broken_out_of(client, db):
    article = make_article(status=S.APPROVED, title="</script><script>alert(1)</script>")
    make_publication(article=article)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert _json_ld(html)["name"] == "</script><script>alert(1)</script>"


def test_open_graph_and_canonical(client, reviewed):
    article, _ = reviewed
    html = client.get(article.get_absolute_url(), HTTP_HOST="testserver").content.decode()
    url = f"https://imprimatur.example/articles/{article.slug}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:title" content="{article.live_publication.title}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:description" content="Radiotherapy first; surgery for some.">' in html


def _sitemap(client) -> dict[str, str]:
    """Every URL of every page the sitemap index lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    entries = {}
    for loc in ET.fromstring(index.content).findall("sm:sitemap/sm:loc", SITEMAP_NS):
        assert loc.text.startswith("https://imprimatur.example/sitemap-")
        response = client.get(loc.text.removeprefix("https://imprimatur.example"))
        assert response.status_code == 200
        root = ET.fromstring(response.content)
        entries |= {
            url.find("sm:loc", SITEMAP_NS).text: getattr(url.find("sm:lastmod", SITEMAP_NS), "text", None)
            for url in root.findall("sm:url", SITEMAP_NS)
        }
    return entries


def test_sitemap_lists_approved_in_date_articles_with_lastmod(client, reviewed):
    article, _ = reviewed
    provisional = make_article(status=S.SUBMITTED)
    make_publication(article=provisional, provisional=True, credits=[])
    overdue = make_article(status=S.APPROVED, next_review_due=timezone.localdate() - timedelta(days=1))
    make_publication(article=overdue)
    unpublished = make_article(status=S.APPROVED)
    entries = _sitemap(client)
    base = "https://imprimatur.example"
    assert entries[f"{base}/articles/{article.slug}/"] == article.live_publication.published_at.date().isoformat()
    for hidden in (provisional, overdue, unpublished):
        assert f"{base}/articles/{hidden.slug}/" not in entries
    assert f"{base}/topics/{article.topic.slug}/" in entries
    assert f"{base}/editorial-policy/" in entries and f"{base}/" in entries


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: https://imprimatur.example/sitemap.xml" in text and "Disallow: /admin/" in text


def test_policy_page_shows_the_editors_policy_and_the_active_board(client, db):
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "editorial_policy": "## How review works\n\nTwo physicians read **every** article.<script>x</script>"
        },
    )
    make_reviewer("active-one", specialty="Cardiology")
    inactive = make_reviewer("retired-one", specialty="Dermatology")
    inactive.active = False
    inactive.save()
    html = client.get("/editorial-policy/").content.decode()
    assert "<h2>How review works</h2>" in html and "<strong>every</strong>" in html
    assert "<script>x" not in html
    assert "Active-One Example</strong>, MD" in html and "Cardiology" in html
    assert "Retired-One Example" not in html


def test_policy_page_has_a_default_text_before_editors_write_one(client, db):
    html = client.get("/editorial-policy/").content.decode()
    assert "reviewed by a physician on our medical advisory board" in html
