"""The staff side in Chromium at 1280 and 390 px: the editor's day, the reviewer's day with
blocking errors, the author's submit warning, no sideways scroll, axe-core, screenshots."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from articles.validation.reports import report_create
from reviews.assignments import services as assignments
from tests.factories import make_article, make_reviewer, make_topic, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Article.Status
ERROR_BODY = "Surgery suits selected patients [4].\n\nWalking improves after surgery [4].\n"


def _serious(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]  # fmt: skip


def _no_sideways_scroll(page, url: str) -> int:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    return page.evaluate("document.documentElement.scrollWidth")


def _shots(page, artifacts, name: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / f"staff-{name}-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / f"staff-{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def day(db):
    editor = make_user("day-editor", roles=["editor"], first_name="Eda", last_name="Editor")
    writer = make_user("day-author", roles=["author"], is_staff=True)
    waiting = make_article(author=writer, status=S.SUBMITTED, title="Waiting for its reviewers")
    ready = make_article(author=writer, status=S.APPROVED, title="Approved and ready to go live")
    reviewer = make_reviewer("day-reviewer")
    return {"editor": editor, "author": writer, "waiting": waiting, "ready": ready, "reviewer": reviewer}


def test_the_editors_day_desk_count_assign_with_default_date_publish(page, login, day, artifacts):
    login(day["editor"], next_url="/review/desk/")
    page.wait_for_url(re.compile(r"/review/desk/$"))
    assert _serious(page) == []
    _shots(page, artifacts, "desk")
    page.locator('a[data-state="submitted"]').click()
    page.wait_for_url(re.compile(r"status__exact=submitted"))
    page.get_by_role("link", name=re.compile("Waiting for its reviewers")).click()
    page.wait_for_url(re.compile(r"/change/"))
    assert _serious(page) == []
    _shots(page, artifacts, "article-change")

    page.goto("/review/desk/")
    page.get_by_role("link", name="Assign reviewers").click()
    page.check(f"#reviewer-{day['reviewer'].pk}")
    assert page.input_value("#id_due_on") == (timezone.localdate() + timedelta(days=14)).isoformat()
    _shots(page, artifacts, "assign")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text(re.compile("Invited .* to review"))).to_be_visible()
    assert day["waiting"].assignments.get().due_at.date() == timezone.localdate() + timedelta(days=14)

    page.goto("/review/desk/")
    page.get_by_role("link", name="Publish").click()
    page.fill("#publish-reason", "Approved by the board")
    page.locator("form.publish-form button[type=submit]").click()
    expect(page.get_by_text(re.compile("is now live"))).to_be_visible()
    assert Article.objects.get(pk=day["ready"].pk).live_publication is not None


def test_the_reviewers_day_with_blocking_errors(page, login, day, artifacts):
    article = make_article(author=day["author"], status=S.SUBMITTED, body=ERROR_BODY, title="Has errors")
    report_create(revision=article.revisions.get(number=1))
    invited = assignments.assignment_create(
        article=article, reviewer=day["reviewer"], actor=day["editor"], due_at=timezone.now() + timedelta(days=7)
    )
    assignments.assignment_accept(assignment=invited, actor=day["reviewer"].user, conflict="none")
    login(day["reviewer"].user, next_url=f"/review/assignments/{invited.pk}/")
    page.wait_for_url(re.compile(rf"/review/assignments/{invited.pk}/$"))
    assert page.locator('input[value="approve"]').is_disabled()
    assert page.locator('input[value="request_changes"]').is_enabled()
    assert "Approve is not available" in page.locator("#approve-blocked").inner_text()
    page.locator('[data-testid="errors-jump"] a').click()
    page.wait_for_url(re.compile("#decision-blockers$"))
    assert _serious(page) == []
    _shots(page, artifacts, "review-blocked")
    page.goto("/review/")
    assert _serious(page) == []
    _shots(page, artifacts, "my-assignments")


def test_the_authors_submit_is_warned_and_then_read_only(page, login, day, artifacts):
    article = make_article(author=day["author"], body=ERROR_BODY, title="My draft with an error")
    report_create(revision=article.revisions.get(number=1))
    login(day["author"], next_url=f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_url(re.compile(r"/change/$"))
    warning = page.locator("#submit-warning")
    assert "citation-missing-reference" in warning.inner_text() and "error" in warning.inner_text()
    _shots(page, artifacts, "author-submit-warning")
    page.fill("#reason-submit", "Ready for the board")
    page.locator('button[value="submit"]').click()
    assert "is submitted and cannot be edited now" in page.locator("#readonly-note").inner_text()
    assert page.locator("textarea[name=body]").count() == 0
    # Withdraw arrives with its transition; when it exists the note offers it as a step.
    from reviews.workflow.transitions import RULES

    if "withdraw" in RULES:
        assert page.locator("#readonly-note a[href='#reason-withdraw']").count() == 1
    _shots(page, artifacts, "author-read-only")


def test_the_authors_day_create_preview_submit_warned_withdraw(page, login, day, artifacts):
    make_topic("Spine")
    login(day["author"], next_url="/admin/articles/article/add/")
    page.wait_for_url(re.compile(r"/add/$"))
    page.fill("#id_title", "Walking again after cord compression")
    page.fill("#id_summary", "What surgery and radiotherapy offer.")
    page.fill("#id_body", ERROR_BODY)
    page.select_option("#id_topic", label="Spine")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(r"/change/$"))
    article = Article.objects.get(title="Walking again after cord compression")
    assert article.author == day["author"] and article.status == S.DRAFT
    # The editor numbers body lines and marks the finding's line (body line 1 cites a missing reference 4).
    assert page.locator("#body-line-1.has-finding").count() == 1
    page.locator(".body-findings a[data-body-line='1']").first.click()
    assert page.evaluate("document.activeElement.name") == "body"
    # Preview: the server renders the unsaved text as readers will see it; nothing is saved.
    page.locator("#id_body").press("Control+End")
    page.locator("#id_body").press_sequentially("\n\nSteroids come *first*.")
    expect(page.locator("#body-line-5")).to_be_attached()  # the gutter follows the new lines
    page.get_by_role("button", name="Preview as readers see it").click()
    preview = page.locator("#body-preview")
    expect(preview.locator("em", has_text="first")).to_be_visible()
    assert Article.objects.get(pk=article.pk).revision == 1
    assert _serious(page) == []
    _shots(page, artifacts, "author-editor-preview")
    page.locator(".body-editor-wrap").screenshot(path=str(artifacts / "staff-author-editor-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".body-editor-wrap").screenshot(path=str(artifacts / "staff-author-editor-phone.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    # Submit is warned, and says which errors; after submitting, the page is read-only with a withdraw step.
    page.reload()
    warning = page.locator("#submit-warning")
    assert "references-missing (body line 1)" in warning.inner_text() and "1 error" in warning.inner_text()
    page.fill("#reason-submit", "Ready for the board")
    page.locator('button[value="submit"]').click()
    expect(page.locator("#readonly-note")).to_contain_text("is submitted and cannot be edited now")
    _shots(page, artifacts, "author-submitted")
    page.locator("#readonly-note a[href='#reason-withdraw']").click()
    page.fill("#reason-withdraw", "Fixing reference 4 first")
    page.locator('button[value="withdraw"]').click()
    expect(page.get_by_text("Withdraw submission: done.")).to_be_visible()
    assert Article.objects.get(pk=article.pk).status == S.DRAFT
    assert page.locator("textarea[name=body]").count() == 1  # editable again
    _shots(page, artifacts, "author-withdrawn")


STAFF_PAGES = ["/review/desk/", "/admin/", "/admin/articles/article/", "/admin/articles/article/{waiting}/change/",
               "/review/desk/articles/{waiting}/assign/", "/admin/articles/article/audit/",
               "/admin/articles/article/desk/", "/admin/articles/article/{waiting}/dossier/",
               "/admin/articles/article/add/", "/admin/articles/article/{waiting}/revisions/",
               "/admin/articles/article/{waiting}/compare/?old=1&new=1&view=changed",
               "/admin/articles/article/{waiting}/compare/?old=1&new=1&view=whole",
               "/admin/articles/article/audit/?article=no-such-article"]  # fmt: skip


def test_no_staff_page_scrolls_sideways_at_390_px(page, login, day):
    login(day["editor"], next_url="/review/desk/")
    page.wait_for_url(re.compile(r"/review/desk/$"))
    wide = {}
    for template in STAFF_PAGES:
        url = template.format(waiting=day["waiting"].pk)
        width = _no_sideways_scroll(page, url)
        if width > 390:
            wide[url] = width
    assert wide == {}


def test_error_pages_are_styled_and_accessible(page, login, day, artifacts):
    login(day["author"], next_url="/admin/")
    page.goto("/review/desk/")
    assert page.locator("h1").inner_text() == "This page is not open to you"
    assert _serious(page) == []
    _shots(page, artifacts, "403")
    page.goto("/admin/articles/article/999999/nothing-here/")
    page.goto("/no-such-page/")
    assert _serious(page) == []
    _shots(page, artifacts, "404")
