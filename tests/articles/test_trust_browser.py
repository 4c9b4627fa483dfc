"""The author profile, the corrections log and the report form in a real browser: axe-core finds nothing
serious, the pages fit a 390 px phone, and screenshots are kept for review."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles import trust
from articles.models import Article, ArticleDisclosure, AuthorProfile, ErrorReport
from tests.factories import make_article, make_publication, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live(db):
    writer = make_user("ablackwood", roles=["author"])
    AuthorProfile.objects.create(
        user=writer, slug="amir-blackwood", display_name="Amir Blackwood", credentials="MD",
        specialty="Spinal surgery", affiliation="Riverside Spine Centre", orcid="0000-0002-1825-0097",
        npi="1234567893", licence_number="7654321", licence_issuer="General Medical Council",
        bio="Writes about back and neck problems for patients and families.",
    )  # fmt: skip
    article = make_article(author=writer, status=Article.Status.APPROVED, title="Neck surgery: what to expect")
    publication = make_publication(article=article)
    ArticleDisclosure.objects.create(article=article, sponsor="Acme Imaging Ltd", funding="The Spine Trust.")
    trust.provenance_record(
        revision=publication.revision, method="ai_assisted", actor=writer, ai_tool="DraftWriter 2",
        ai_use="suggested a plainer wording for two paragraphs.",
    )  # fmt: skip
    trust.publication_change_record(
        publication=publication, kind="correction", reason="Corrected the recovery time after surgery.", actor=writer
    )
    article.refresh_from_db()
    return article


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_profile_page_is_accessible_on_a_phone(page, live, artifacts):
    page.set_viewport_size(PHONE)
    page.goto("/authors/amir-blackwood/")
    assert page.locator("h1").inner_text() == "Amir Blackwood, MD"
    assert page.get_by_role("link", name="Neck surgery: what to expect").is_visible()
    assert _serious(page) == [] and _fits(page)
    page.screenshot(path=str(artifacts / "author-profile-phone.png"), full_page=True)


def test_corrections_log_and_disclosures_are_accessible_on_a_phone(page, live, artifacts):
    page.set_viewport_size(PHONE)
    page.goto(f"/articles/{live.slug}/")
    assert page.get_by_test_id("sponsor-label").is_visible()
    assert "DraftWriter 2" in page.get_by_test_id("provenance").inner_text()
    log = page.get_by_test_id("changes")
    assert "Correction: Corrected the recovery time after surgery." in log.inner_text()
    assert _serious(page) == [] and _fits(page)
    log.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "corrections-log-phone.png"), full_page=False)
    page.goto("/advertising-policy/")
    assert _serious(page) == [] and _fits(page)


def test_report_form_works_without_an_account_on_a_phone(page, live, artifacts):
    page.set_viewport_size(PHONE)
    page.goto(f"/articles/{live.slug}/")
    form = page.locator("form.report-form")
    form.scroll_into_view_if_needed()
    assert _serious(page) == []
    page.screenshot(path=str(artifacts / "report-form-phone.png"), full_page=False)
    form.get_by_label("What is wrong?").select_option("dose")
    form.get_by_label("Tell us what you found").fill("The recovery time looks too short for this operation.")
    form.get_by_label("Your email (optional)").fill("reader@example.org")
    form.get_by_role("button", name="Send report").click()
    thanks = page.get_by_test_id("report-thanks")
    assert "we will email you if we publish a correction" in thanks.inner_text()
    assert _serious(page) == [] and _fits(page)
    report = ErrorReport.objects.get()
    assert (report.category, report.email, report.revision_id) == ("dose", "reader@example.org",
                                                                    live.live_publication.revision_id)  # fmt: skip


def test_report_form_errors_are_announced_and_accessible(page, live):
    page.set_viewport_size(PHONE)
    page.goto(f"/articles/{live.slug}/")
    page.locator("form.report-form").get_by_role("button", name="Send report").click()
    assert page.get_by_role("alert").first.is_visible()
    assert "This field is required." in page.locator("main").inner_text()
    assert _serious(page) == [] and _fits(page)
