"""A reviewer's public page, the credit that links to it with the reviewer's cleared interest, and a correction
published through the desk with its public reason, in a real browser at 1280 and 390 px: axe-core finds nothing
serious, the pages fit, and screenshots are kept for review."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.assignments import services as assignments
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user, take_through_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}


@pytest.fixture
def live(db):
    """Revision 1 live, reviewed by a reviewer whose declared interest the editor-in-chief cleared; revision 2
    (a corrected dose) approved by the board and waiting to be published."""
    editor = make_user("desk-editor", roles=["editor"])
    chief = make_user("desk-chief", roles=["editor-in-chief"])
    reviewer = make_reviewer(
        "okafor", specialty="Spinal surgery", affiliation="Riverside Spine Centre", board_certification="FRCS (Orth)"
    )
    article = make_article(title="Neck surgery: what to expect")
    article = workflow.start_review(article=workflow.submit(article=article, actor=editor), actor=editor)
    assignment = make_assignment(
        article=article, reviewer=reviewer, assigned_by=editor, conflict="interest",
        conflict_statement="Paid speaker for Acme Spine Devices in 2024.",
    )  # fmt: skip
    assignments.conflict_clear(assignment=assignment, actor=chief, reason="Unrelated to this article's advice")
    assignment.refresh_from_db()
    make_approval(assignment=assignment)
    article = workflow.approve(article=article, actor=reviewer.user)
    publishing.publish(article=article, actor=editor, reason="Approved by the board")
    other = take_through_review(make_article(title="Neck pain: when to see a doctor"), editor=editor, reviewer=reviewer)
    publishing.publish(article=other, actor=editor, reason="Approved by the board")
    content = content_of(article)
    article, _ = workflow.edit(
        article=article, actor=editor, reason="Recovery time corrected",
        content=Content(title=content.title, summary=content.summary, references=content.references,
                        body=content.body + "\n\nMost people go home within two days [1].\n"),
    )  # fmt: skip
    second = make_reviewer("lindqvist", specialty="Neuroradiology")
    take_through_review(article, editor=editor, reviewer=second)
    return Article.objects.get(pk=article.pk), reviewer, editor


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_reviewer_page_is_accessible(page, live, artifacts, size):
    _, reviewer, _ = live
    page.set_viewport_size(SIZES[size])
    page.goto(f"/reviewers/{reviewer.pk}/")
    assert page.locator("h1").inner_text() == "Okafor Example, MD"
    assert "Riverside Spine Centre" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Neck pain: when to see a doctor").is_visible()
    assert _serious(page) == [] and _fits(page)
    page.screenshot(path=str(artifacts / f"reviewer-profile-{size}.png"), full_page=True)


def test_credit_shows_the_cleared_interest_and_links_the_reviewer_page(page, live, artifacts):
    article, reviewer, _ = live
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"/articles/{article.slug}/")
        credit = page.locator("li.credit").filter(has_text="Okafor Example")
        assert "Paid speaker for Acme Spine Devices in 2024. (cleared by the editor-in-chief)" in credit.inner_text()
        assert _serious(page) == [] and _fits(page)
        page.locator("ul.credits").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"reviewer-credit-{size}.png"), full_page=False)
    page.locator("li.credit").get_by_role("link", name=reviewer.display_line).click()
    assert page.locator("h1").inner_text() == "Okafor Example, MD"


def test_correction_published_from_the_desk_with_its_reason_reaches_the_log(page, live, login, artifacts):
    article, _, editor = live
    login(editor, next_url=f"/admin/articles/article/{article.pk}/change/")
    panel = page.locator("form.publish-form")
    panel.get_by_label("Publish revision 2: reason").fill("Approved by the board")
    panel.get_by_role("button", name="Publish").click()
    assert "give readers a one-line reason" in page.locator(".messagelist").inner_text()
    panel = page.locator("form.publish-form")
    panel.get_by_label("Publish revision 2: reason").fill("Approved by the board")
    panel.get_by_label("public change").select_option("correction")
    panel.get_by_label("public reason").fill("Corrected the usual time in hospital after surgery.")
    page.locator("section.publishing-panel").screenshot(path=str(artifacts / "publish-change-line-1280.png"))
    panel.get_by_role("button", name="Publish").click()
    assert "Revision 2 is now live for readers." in page.locator(".messagelist").inner_text()
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(f"/articles/{article.slug}/")
        log = page.get_by_test_id("changes")
        assert "Correction: Corrected the usual time in hospital after surgery." in log.inner_text()
        assert "Declared interests: none declared" in page.locator("ul.credits").inner_text()
        assert _serious(page) == [] and _fits(page)
        log.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"corrections-log-{size}.png"), full_page=False)
