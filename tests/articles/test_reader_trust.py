"""Bylines and author profiles, "How this article was created", disclosures, the corrections log in the
page, its JSON-LD and the sitemap, and the predicates publishing and submission call."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from articles import trust
from articles.fileformat import parse_article_file
from articles.models import Article, ArticleDisclosure, AuthorProfile, RevisionProvenance, SiteSettings
from articles.revisions import Content
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_publication, make_user

S = Article.Status
SEED_WITH_CLAIM = "/work/shared/seeds/004_6ae4b1236028c263.txt"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://imprimatur.example"


def _json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json"(?: nonce="[^"]*")?>(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def _profile(user, **fields):
    values = {
        "slug": "mara-lindqvist", "display_name": "Mara Lindqvist", "credentials": "MD, MPH",
        "specialty": "Neuro-oncology", "affiliation": "Northfield University Hospital",
        "orcid": "0000-0002-1825-0097", "npi": "1234567893",
    }  # fmt: skip
    profile = AuthorProfile(user=user, **{**values, **fields})
    profile.full_clean()
    profile.save()
    return profile


@pytest.fixture
def authored(db):
    writer = make_user("mlindqvist", roles=["author"])
    profile = _profile(writer)
    article = make_article(author=writer, status=S.APPROVED)
    make_publication(article=article)
    article.refresh_from_db()
    return article, profile


def _editor():
    return make_user("trust-editor", roles=["editor"])


def _edited_and_republished(article, *, body: str):
    content = Content(title=article.title, body=body, references=article.revisions.first().references)
    article, _ = workflow.edit(article=article, actor=_editor(), content=content, reason="dose corrected")
    previous = article.live_publication
    publication = make_publication(article=article, published_at=datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    return previous, publication


# Bylines and profiles


def test_reader_page_has_a_byline_linking_to_the_author_profile(client, authored):
    article, _ = authored
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p class="byline">By <a href="/authors/mara-lindqvist/" rel="author">Mara Lindqvist, MD, MPH</a>' in html


def test_json_ld_author_is_a_person_with_url_to_the_profile(client, authored):
    article, _ = authored
    data = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["author"] == {
        "@type": "Person",
        "@id": "https://imprimatur.example/authors/mara-lindqvist/",
        "name": "Mara Lindqvist",
        "url": "https://imprimatur.example/authors/mara-lindqvist/",
        "honorificSuffix": "MD, MPH",
        "knowsAbout": "Neuro-oncology",
        "affiliation": {"@type": "Organization", "name": "Northfield University Hospital"},
        "sameAs": ["https://orcid.org/0000-0002-1825-0097"],
        "identifier": {"@type": "PropertyValue", "propertyID": "ORCID", "value": "0000-0002-1825-0097"},
    }


def test_profile_page_lists_identifiers_and_articles_written(client, authored):
    article, _ = authored
    response = client.get("/authors/mara-lindqvist/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="profile-name">Mara Lindqvist, MD, MPH</h1>' in html
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in html and ">1234567893</a>" in html
    assert f'href="{article.get_absolute_url()}"' in html
    data = _json_ld(html)
    assert data["@type"] == "ProfilePage" and data["mainEntity"]["url"] == data["url"]


def test_profile_page_leaves_out_unpublished_articles_and_hidden_profiles_are_404(client, authored):
    article, profile = authored
    draft = make_article(author=profile.user, title="Not yet published")
    assert draft.title not in client.get("/authors/mara-lindqvist/").content.decode()
    AuthorProfile.objects.filter(pk=profile.pk).update(public=False)
    assert client.get("/authors/mara-lindqvist/").status_code == 404
    assert 'rel="author"' not in client.get(article.get_absolute_url()).content.decode()


def test_editing_the_profile_changes_the_cached_page(client, authored):
    article, profile = authored
    first = client.get(article.get_absolute_url())
    profile.display_name = "Mara Lindqvist-Berg"
    profile.save()
    second = client.get(article.get_absolute_url())
    assert first["ETag"] != second["ETag"]
    assert "Mara Lindqvist-Berg, MD, MPH" in second.content.decode()


# How this article was created


def test_ai_assisted_provenance_is_shown_to_readers(client, authored):
    article, _ = authored
    trust.provenance_record(
        revision=article.live_publication.revision, method="ai_assisted", actor=article.author,
        ai_tool="DraftWriter 2", ai_use="drafted the first version from the editor's outline.",
    )  # fmt: skip
    html = client.get(article.get_absolute_url()).content.decode()
    section = html[html.index('data-testid="provenance"') :][:1500]
    assert "How this article was created" in section
    assert "<strong>DraftWriter 2</strong>: drafted the first version from the editor&#x27;s outline." in section


def test_ai_assisted_provenance_must_name_the_tool_and_its_use(authored):
    article, _ = authored
    with pytest.raises(ValidationError) as caught:
        trust.provenance_record(revision=article.live_publication.revision, method="ai_assisted", actor=article.author)
    assert set(caught.value.message_dict) == {"ai_tool", "ai_use"}
    assert not RevisionProvenance.objects.exists()


def test_imported_seed_keeps_its_reviewed_by_line_as_outside_provenance_never_as_a_credit(client, db):
    parsed = parse_article_file(SEED_WITH_CLAIM)
    assert parsed.source_review_claim.startswith("Reviewed by ") and "Reviewed by" not in parsed.body
    article = make_article(status=S.UNDER_REVIEW, title=parsed.title, body=parsed.body, references=[])
    make_publication(article=article, provisional=True, credits=[])
    trust.provenance_record(
        revision=article.live_publication.revision, method="imported", actor=article.author,
        source_url="https://example.org/myelopathy-imaging", source_review_claim=parsed.source_review_claim,
    )  # fmt: skip
    html = client.get(article.get_absolute_url()).content.decode()
    claim = html[html.index('data-testid="outside-claim"') :][:400]
    assert parsed.source_review_claim in claim and "not a review by our medical advisory board" in claim
    assert 'class="credit"' not in html  # the board's credit list is not there
    assert "reviewedBy" not in _json_ld(html)


def test_provenance_required_before_submission_only_when_the_setting_is_on(authored):
    article, _ = authored
    revision = article.revisions.get(number=article.revision)
    assert trust.provenance_blocks_submission(revision=revision) is None
    SiteSettings.objects.update_or_create(pk=1, defaults={"require_provenance_before_submission": True})
    assert trust.provenance_blocks_submission(revision=revision) == (
        "revision 1 has no provenance: record whether it was written by a person, with AI assistance or "
        "imported before submitting it"
    )
    trust.provenance_record(revision=revision, method="written", actor=article.author)
    assert trust.provenance_blocks_submission(revision=revision) is None


# Money and interests


def test_sponsored_article_carries_a_visible_label_and_its_disclosures(client, authored):
    article, _ = authored
    ArticleDisclosure.objects.create(
        article=article, sponsor="Acme Imaging Ltd", funding="A grant from the Spine Trust.",
        author_interests="Speaker fees from Acme Imaging Ltd (2025).",
    )  # fmt: skip
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-testid="sponsor-label"><strong>Sponsored content:</strong> paid for by Acme Imaging Ltd.' in html
    assert "A grant from the Spine Trust." in html and "Speaker fees from Acme Imaging Ltd (2025)." in html
    assert "None shown with this article." in html
    assert _json_ld(html)["sponsor"] == {"@type": "Organization", "name": "Acme Imaging Ltd"}


def test_advertising_policy_page_and_its_place_in_the_sitemap(client, db):
    response = client.get("/advertising-policy/")
    assert response.status_code == 200 and "<h1>Advertising and sponsorship policy</h1>" in response.content.decode()
    SiteSettings.objects.update_or_create(pk=1, defaults={"advertising_policy": "We carry **no** advertising."})
    assert "We carry <strong>no</strong> advertising." in client.get("/advertising-policy/").content.decode()
    assert "https://imprimatur.example/advertising-policy/" in client.get("/sitemap-pages.xml").content.decode()


# Corrections and updates


def test_change_reason_required_when_body_or_references_change(authored):
    article, _ = authored
    first = article.revisions.get(number=1)
    content = Content(title="A new title only", body=first.body, references=first.references)
    editor = _editor()
    article, title_only = workflow.edit(article=article, actor=editor, content=content, reason="title")
    assert trust.change_reason_required(previous=None, new=first) is False
    assert trust.change_reason_required(previous=first, new=title_only) is False
    content = Content(title=title_only.title, body=first.body + " Dexamethasone 8 mg is usual [2].",
                      references=first.references)  # fmt: skip
    article, body_changed = workflow.edit(article=article, actor=editor, content=content, reason="dose")
    assert trust.change_reason_required(previous=first, new=body_changed) is True
    with pytest.raises(trust.ChangeReasonMissing, match="changes the body or references of the live revision 1"):
        trust.require_change_reason(previous=first, new=body_changed, reason="  ")
    trust.require_change_reason(previous=first, new=body_changed, reason="Corrected the dexamethasone dose.")


def test_published_correction_appears_in_log_json_ld_and_sitemap(client, authored):
    article, _ = authored
    _, publication = _edited_and_republished(article, body=article.body + " Dexamethasone is tapered [2].")
    trust.publication_change_record(
        publication=publication, kind="correction", reason="Corrected the steroid advice.", actor=article.author
    )
    html = client.get(article.get_absolute_url()).content.decode()
    log = html[html.index('data-testid="changes"') :][:800]
    assert '<time datetime="2026-07-02T09:00:00+00:00">2 July 2026</time>' in log
    assert '<strong class="change-kind change-correction">Correction</strong>: Corrected the steroid advice.' in log
    assert _json_ld(html)["dateModified"] == "2026-07-02T09:00:00+00:00"
    root = ET.fromstring(client.get("/sitemap-articles.xml").content)
    lastmod = {
        url.find("sm:loc", SITEMAP_NS).text: getattr(url.find("sm:lastmod", SITEMAP_NS), "text", None)
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert lastmod[f"https://imprimatur.example{article.get_absolute_url()}"] == "2026-07-02"


def test_republication_without_a_change_keeps_date_modified_at_the_last_logged_change(client, authored):
    article, _ = authored
    _, publication = _edited_and_republished(article, body=article.body + " Physiotherapy helps [1].")
    trust.publication_change_record(publication=publication, kind="update", reason="Added rehabilitation advice.",
                                    actor=article.author)  # fmt: skip
    make_publication(article=article, published_at=datetime(2026, 9, 1, tzinfo=UTC))  # same revision again
    data = _json_ld(client.get(article.get_absolute_url()).content.decode())
    assert data["dateModified"] == "2026-07-02T09:00:00+00:00"


def test_change_reason_is_one_line_and_one_per_publication(authored):
    article, _ = authored
    publication = article.live_publication
    with pytest.raises(ValidationError) as caught:
        trust.publication_change_record(publication=publication, kind="update", reason="one\ntwo", actor=article.author)
    assert caught.value.message_dict["reason"] == ["Write the reason as one line."]
    with pytest.raises(ValidationError):
        trust.publication_change_record(publication=publication, kind="erratum", reason="x", actor=article.author)
    trust.publication_change_record(publication=publication, kind="update", reason="Re-reviewed.", actor=article.author)
    with pytest.raises(ValidationError, match="already exists"):
        trust.publication_change_record(publication=publication, kind="update", reason="again", actor=article.author)


def test_page_without_changes_says_so(client, authored):
    article, _ = authored
    html = client.get(article.get_absolute_url()).content.decode()
    assert "No corrections or updates since this article was first published." in html


def test_reader_page_with_everything_keeps_its_query_budget(client, authored, django_assert_max_num_queries):
    article, _ = authored
    ArticleDisclosure.objects.create(article=article, sponsor="Acme Imaging Ltd")
    trust.provenance_record(revision=article.live_publication.revision, method="written", actor=article.author)
    trust.publication_change_record(publication=article.live_publication, kind="update", reason="Re-reviewed.",
                                    actor=article.author)  # fmt: skip
    with django_assert_max_num_queries(2):  # the stamp and the article with everything it shows
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "Re-reviewed." in response.content.decode()
