"""The public article page: what it shows, 404/410, the audience switch, caching and the query budget."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import selectors
from articles.models import Article, PublicationWithdrawal, SiteSettings
from articles.reader import AUDIENCE_COOKIE
from reviews.publishing import services as publishing
from tests.factories import CLEAN_REFERENCES, make_article, make_publication, make_user

S = Article.Status


@pytest.fixture
def live(db):
    article = make_article(status=S.APPROVED, summary="What helps when cancer presses on the spinal cord.")
    make_publication(article=article)
    article.refresh_from_db()
    return article


def _page(client, article, **headers):
    return client.get(f"/articles/{article.slug}/", **headers)


def test_article_page_shows_title_status_credit_dates_and_disclaimer(client, live):
    SiteSettings.objects.update_or_create(pk=1, defaults={"disclaimer": "Ask your own doctor first."})
    response = _page(client, live)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 id="article-title">{live.title}</h1>' in html
    assert re.search(r'class="step step-current" aria-current="step">.*?Approved', html, re.S)
    assert "Reviewed by <strong>Jane Doe, MD, Neuroradiology</strong> — <time" in html
    assert ">29 May 2026</time>" in html
    assert "Last updated" in html and "Last reviewed" in html
    assert "Ask your own doctor first." in html
    assert 'href="/editorial-policy/"' in html
    assert "Pending review." not in html


def test_citations_link_to_references_and_references_link_back(client, live):
    html = _page(client, live).content.decode()
    assert '<a href="#ref-1" id="cite-1-1" class="cite"' in html
    assert 'id="ref-1"' in html and 'id="ref-2"' in html
    assert 'class="backlink" href="#cite-1-1"' in html and 'class="backlink" href="#cite-2-1"' in html


def test_references_carry_type_labels_and_identifier_links(client, live):
    html = _page(client, live).content.decode()
    assert '<span class="ref-kind">Randomised controlled trial</span>' in html
    assert '<span class="ref-kind">Guideline</span>' in html
    assert 'href="https://doi.org/10.1016/s0140-6736(05)66954-1"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/16112300/"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/9552073/"' in html
    assert "Patchell RA, Tibbs PA, Regine WF, et al." in html and ">Lancet</span>" in html and "2005" in html


def test_provisional_publication_shows_pending_banner_and_no_credit(client, db):
    article = make_article(status=S.UNDER_REVIEW)
    make_publication(article=article, provisional=True, credits=[])
    html = _page(client, article).content.decode()
    assert "Pending review." in html and 'data-testid="pending-banner"' in html
    assert re.search(r'class="step step-current" aria-current="step">.*?Under review', html, re.S)
    assert "Reviewed by" not in html and "Not yet reviewed" in html
    assert '<meta name="robots" content="noindex">' in html


def test_unknown_article_is_a_real_404_page(client, db):
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    assert "find that page" in response.content.decode()


def test_never_published_article_is_404(client, db):
    article = make_article(status=S.APPROVED)
    assert _page(client, article).status_code == 404


def test_withdrawn_article_is_a_real_410_page(client, live):
    editor = make_user("withdrawing-editor", roles=["editor"])
    PublicationWithdrawal.objects.create(
        article=live, publication=live.live_publication, reason="evidence re-checked", withdrawn_by=editor
    )
    Article.objects.filter(pk=live.pk).update(live_publication=None, live_revision=None, live_title="")
    response = _page(client, live)
    assert response.status_code == 410
    assert "This article has been withdrawn" in response.content.decode()


def test_unknown_topic_is_404(client, db):
    assert client.get("/topics/nothing-here/").status_code == 404


def test_overdue_article_says_so_and_is_noindex(client, live):
    Article.objects.filter(pk=live.pk).update(next_review_due=timezone.localdate() - timedelta(days=3))
    response = _page(client, live)
    html = response.content.decode()
    assert "Next review due" in html and "(overdue)" in html and "Review overdue." in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"


def test_in_date_article_shows_next_review_due_and_is_indexable(client, live):
    due = timezone.localdate() + timedelta(days=200)
    Article.objects.filter(pk=live.pk).update(next_review_due=due)
    response = _page(client, live)
    html = response.content.decode()
    assert "Next review due" in html and "(overdue)" not in html
    assert "noindex" not in html and "X-Robots-Tag" not in response


# Audience switch


@pytest.fixture
def pair(db):
    clinician = make_article(status=S.APPROVED, title="Spinal cord compression for clinicians")
    patient = make_article(
        status=S.APPROVED, title="Spinal cord compression: what patients should know", audience="patient",
        variant_of=clinician,
    )  # fmt: skip
    make_publication(article=clinician)
    make_publication(article=patient)
    return clinician, patient


def test_audience_switch_shows_the_other_version_and_remembers_the_choice(client, pair):
    clinician, patient = pair
    response = client.get(f"/articles/{clinician.slug}/for/patient/")
    assert response.status_code == 302 and response["Location"] == f"/articles/{patient.slug}/"
    assert client.cookies[AUDIENCE_COOKIE].value == "patient"
    # Remembered: arriving later at the clinician version goes to the patient version.
    again = _page(client, clinician)
    assert again.status_code == 302 and again["Location"] == f"/articles/{patient.slug}/"
    html = _page(client, patient).content.decode()
    assert re.search(r'href="/articles/[^"]+/for/patient/" rel="nofollow" aria-current="page"', html)


def test_audience_switch_back_to_clinician(client, pair):
    clinician, patient = pair
    client.cookies[AUDIENCE_COOKIE] = "patient"
    response = client.get(f"/articles/{patient.slug}/for/clinician/")
    assert response["Location"] == f"/articles/{clinician.slug}/"
    assert client.cookies[AUDIENCE_COOKIE].value == "clinician"
    assert _page(client, clinician).status_code == 200


def test_audience_without_a_variant_stays_and_says_so(client, live):
    response = client.get(f"/articles/{live.slug}/for/patient/")
    assert response["Location"] == f"/articles/{live.slug}/"
    html = _page(client, live).content.decode()
    assert "There is no version of this article for patients yet" in html


def test_unknown_audience_and_bad_cookie(client, live):
    assert client.get(f"/articles/{live.slug}/for/astronaut/").status_code == 404
    client.cookies[AUDIENCE_COOKIE] = "<script>"
    assert _page(client, live).status_code == 200


def test_unpublished_variant_is_not_offered(client, db):
    clinician = make_article(status=S.APPROVED)
    make_article(status=S.DRAFT, audience="patient", variant_of=clinician)
    make_publication(article=clinician)
    client.cookies[AUDIENCE_COOKIE] = "patient"
    response = _page(client, clinician)
    assert response.status_code == 200
    assert "There is no version of this article for patients yet" in response.content.decode()


# Speed: query budget, cache, conditional GET


def _references(n: int) -> list[dict]:
    return [
        {**CLEAN_REFERENCES[i % 2], "number": i + 1, "title": f"{CLEAN_REFERENCES[i % 2]['title']} ({i + 1})"}
        for i in range(n)
    ]


def _article_with(n: int, revisions: int) -> Article:
    from articles.revisions import Content
    from reviews.workflow import transitions as workflow

    body = " ".join(f"Claim {i} [{i}]." for i in range(1, n + 1))
    article = make_article(body=body, references=_references(n))
    for i in range(revisions - 1):
        content = Content(title=article.title, body=body + f" Edit {i}.", references=_references(n))
        article, _ = workflow.edit(article=article, actor=article.author, content=content, reason="tidy")
    make_publication(article=article)
    return article


@pytest.mark.parametrize("n, revisions", [(1, 1), (40, 6)])
def test_article_page_costs_at_most_three_queries(client, db, django_assert_max_num_queries, n, revisions):
    article = _article_with(n, revisions)
    with django_assert_max_num_queries(3):
        response = _page(client, article)
    assert response.status_code == 200
    assert response.content.decode().count('class="backlink"') == n
    with django_assert_max_num_queries(1):  # cached: only the small query that names the page
        assert _page(client, article).status_code == 200


def _without_nonce(content: bytes) -> bytes:
    """The page as cached: only the per-response CSP nonce differs between two responses."""
    return re.sub(rb' nonce="[^"]+"', b"", content)


def test_page_is_cached_per_publication(client, live):
    first = _page(client, live)
    key = [k for k in cache._cache if "reader:article:" in k]  # locmem's store: the test settings' cache
    assert len(key) == 1
    second = _page(client, live)
    assert _without_nonce(second.content) == _without_nonce(first.content) and second["ETag"] == first["ETag"]
    make_publication(article=live)  # a new publication supersedes the old: a new page and a new ETag
    third = _page(client, live)
    assert third["ETag"] != first["ETag"]
    assert len([k for k in cache._cache if "reader:article:" in k]) == 2


def test_conditional_get_answers_304(client, live, django_assert_max_num_queries):
    first = _page(client, live)
    assert first["ETag"] and first["Last-Modified"]
    with django_assert_max_num_queries(1):
        again = _page(client, live, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    since = _page(client, live, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert _page(client, live, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_etag_changes_when_the_status_or_disclaimer_changes(client, live):
    first = _page(client, live)["ETag"]
    SiteSettings.objects.update_or_create(pk=1, defaults={"disclaimer": "A new disclaimer."})
    second = _page(client, live, HTTP_IF_NONE_MATCH=first)
    assert second.status_code == 200 and "A new disclaimer." in second.content.decode()
    Article.objects.filter(pk=live.pk).update(status=S.UNDER_REVIEW)
    third = _page(client, live, HTTP_IF_NONE_MATCH=second["ETag"])
    assert third.status_code == 200
    # A re-review of the same revision is no update: readers are told what they read was approved.
    assert "Approved by the medical advisory board." in third.content.decode()
    assert "an update is under review" not in third.content.decode()


def test_pages_vary_on_the_audience_cookie(client, live):
    response = _page(client, live)
    assert "Cookie" in response["Vary"]
    assert "must-revalidate" in response["Cache-Control"]


def test_article_page_refuses_post(client, live):
    assert client.post(f"/articles/{live.slug}/").status_code == 405


def test_production_stamp_memo_saves_queries_and_expires_within_its_seconds(client, live, settings, editor):
    settings.READER_STAMP_SECONDS = 1
    selectors._stamp_memo.clear()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert _page(client, live).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert _page(client, live).status_code == 200
        assert len(queries) == 0
        publishing.unpublish(article=live, actor=editor, reason="evidence re-checked")
        clock.shift(1.5)
        assert _page(client, live).status_code == 410
    selectors._stamp_memo.clear()


def test_production_static_files_have_hashed_names(client, live, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    html = _page(client, live).content.decode()
    assert re.search(r'href="/static/css/site\.[0-9a-f]{12}\.css"', html)
    assert list(tmp_path.glob("css/site.*.css.gz"))
