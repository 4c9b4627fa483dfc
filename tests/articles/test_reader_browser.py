"""The reader site in a real browser: stepper, credit, in-page reference links both ways, the
remembered audience switch, the pending-review banner, axe-core, and screenshots for review."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from tests.factories import make_article, make_publication

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Article.Status
BODY = (
    "Radiotherapy is the usual first treatment for most patients [1].\n\n"
    "## Surgery\n\nDecompressive surgery followed by radiotherapy helps selected patients walk again [1, 2].\n\n"
    "Dexamethasone is given while treatment is arranged [2].\n"
)


@pytest.fixture
def pair(db):
    clinician = make_article(
        status=S.APPROVED, title="Malignant spinal cord compression: treatment", body=BODY,
        summary="What the evidence says about radiotherapy, surgery and steroids.",
    )  # fmt: skip
    patient = make_article(
        status=S.APPROVED, title="Spinal cord compression: what happens next", audience="patient",
        variant_of=clinician, body="Your team will usually start radiotherapy soon [1].",
        summary="A guide for patients and families.",
    )  # fmt: skip
    make_publication(article=clinician)
    make_publication(article=patient)
    return clinician, patient


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_article_page_status_credit_references_and_screenshots(page, pair, artifacts):
    clinician, _ = pair
    page.goto(f"/articles/{clinician.slug}/")
    current = page.locator('.stepper [aria-current="step"]')
    assert current.count() == 1 and "Approved" in current.inner_text()
    assert page.get_by_text("Reviewed by Jane Doe, MD, Neuroradiology — 29 May 2026").is_visible()
    assert page.locator("#ref-1 .ref-kind").inner_text().lower() == "randomised controlled trial"

    # Citation → reference, and the reference's back link → that same citation.
    page.locator("a#cite-2-1").click()
    page.wait_for_url(re.compile(r"#ref-2$"))
    assert page.evaluate("document.querySelector(':target').id") == "ref-2"
    page.locator('#ref-2 a.backlink[href="#cite-2-1"]').click()
    page.wait_for_url(re.compile(r"#cite-2-1$"))
    assert page.evaluate("document.querySelector(':target').id") == "cite-2-1"
    assert page.locator("#ref-1 a.backlink").count() == 2

    page.goto(f"/articles/{clinician.slug}/")
    page.screenshot(path=str(artifacts / "reader-article-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    no_sideways_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_sideways_scroll
    page.screenshot(path=str(artifacts / "reader-article-phone.png"), full_page=True)


def test_audience_switch_is_remembered(page, pair):
    clinician, patient = pair
    page.goto(f"/articles/{clinician.slug}/")
    page.get_by_role("link", name="a patient or carer").click()
    page.wait_for_url(re.compile(rf"/articles/{patient.slug}/$"))
    assert page.locator("h1").inner_text() == "Spinal cord compression: what happens next"
    # Remembered: opening the clinician address again shows the patient version.
    page.goto(f"/articles/{clinician.slug}/")
    assert page.url.endswith(f"/articles/{patient.slug}/")
    page.get_by_role("link", name="a clinician").click()
    page.wait_for_url(re.compile(rf"/articles/{clinician.slug}/$"))
    page.goto(f"/articles/{patient.slug}/")
    assert page.url.endswith(f"/articles/{clinician.slug}/")


def test_provisional_publication_shows_the_banner(page, db, artifacts):
    article = make_article(status=S.UNDER_REVIEW, title="A page published before review", body=BODY)
    make_publication(article=article, provisional=True, credits=[])
    page.goto(f"/articles/{article.slug}/")
    banner = page.get_by_test_id("pending-banner")
    assert banner.is_visible() and "Pending review." in banner.inner_text()
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    page.screenshot(path=str(artifacts / "reader-article-provisional.png"), full_page=True)


def test_skip_link_is_first_and_visible_on_focus(page, pair):
    clinician, _ = pair
    page.goto(f"/articles/{clinician.slug}/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box and box["y"] >= 0
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert page.locator("header").count() >= 1 and page.locator("main#main").count() == 1
    assert page.locator("footer").count() >= 1 and page.locator("nav[aria-label=Main]").count() == 1


@pytest.mark.parametrize("width", [1280, 390])
def test_axe_finds_no_serious_issue_on_article_topic_and_search_pages(page, pair, width, artifacts):
    clinician, _ = pair
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name, url in [
        ("article", f"/articles/{clinician.slug}/"),
        ("topic", clinician.topic.get_absolute_url()),
        ("search", "/search/?q=radiotherapy"),
        ("home", "/"),
        ("policy", "/editorial-policy/"),
    ]:
        page.goto(url)
        problems[name] = _serious(page)
    page.goto("/search/?q=radiotherapy")
    assert page.locator(".snippet mark").count() >= 1
    if width == 390:
        page.screenshot(path=str(artifacts / "reader-search-phone.png"), full_page=True)
    assert problems == {name: [] for name in problems}
