"""In Chromium: the body editor's gutter follows the text as it scrolls, a finding's link selects
its line, compare opens on the changed paragraphs of a long body, and the reviewer's lists with
their round labels fit a 390 px screen."""

import re

import pytest
from playwright.sync_api import expect

from articles.validation.reports import report_create
from tests.factories import make_article, make_assignment, make_reviewer, make_user
from tests.reviews.test_staff_browser import _serious, _shots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Line 60 cites a reference the article does not have: the report names body line 60.
LONG_BODY = "\n".join(
    "Radiotherapy is the usual first treatment [9]." if n == 60 else f"Line {n} of a long body." for n in range(1, 91)
)


def test_the_gutter_follows_the_text_and_a_finding_link_selects_its_line(page, login, artifacts):
    editor = make_user("gutter-editor", roles=["editor"])
    article = make_article(body=LONG_BODY, title="A long body")
    report = report_create(revision=article.revisions.get(number=1))
    assert any(f.get("line") == 60 for f in report.findings)
    login(editor, next_url=f"/admin/articles/article/{article.pk}/change/")
    page.wait_for_url(re.compile(r"/change/$"))
    text, gutter = page.locator("#id_body"), page.locator("[data-body-gutter]")
    assert page.locator("#body-line-60.has-finding").count() == 1
    text.evaluate("t => { t.scrollTop = 400; t.dispatchEvent(new Event('scroll')); }")
    assert gutter.evaluate("g => g.scrollTop") == text.evaluate("t => t.scrollTop") > 0
    # Each gutter row sits beside its body line: the same height per line in both.
    first = page.locator("#body-line-1").bounding_box()
    assert first["height"] == float(text.evaluate("t => parseFloat(getComputedStyle(t).lineHeight)"))
    page.locator(".body-findings a[data-body-line='60']").first.click()
    selected = text.evaluate("t => t.value.slice(t.selectionStart, t.selectionEnd)")
    assert selected == "Radiotherapy is the usual first treatment [9]."
    assert page.locator("#body-line-60.current-line").count() == 1
    line = page.locator("#body-line-60").bounding_box()
    box = gutter.bounding_box()
    assert box["y"] <= line["y"] <= box["y"] + box["height"]  # the marked line is in view beside its text
    page.locator(".body-editor-wrap").screenshot(path=str(artifacts / "staff-editor-long-body-desktop.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".body-editor-wrap").screenshot(path=str(artifacts / "staff-editor-long-body-phone.png"))


def test_my_assignments_with_round_labels_fit_390_px(page, login, artifacts):
    reviewer = make_reviewer("label-reviewer")
    for n in range(3):
        article = make_article(title=f"An article with a rather long title about spinal cord compression {n}")
        make_assignment(article=article, reviewer=reviewer, status="invited" if n else "accepted")
    login(reviewer.user, next_url="/review/")
    page.wait_for_url(re.compile(r"/review/$"))
    assert page.locator(".round-label", has_text="new article").count() == 3
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "reviewer-assignments-round-labels-phone.png"), full_page=True)


def test_compare_opens_on_changed_paragraphs_with_a_summary(page, login, artifacts):
    from articles.revisions import Content, content_of
    from reviews.workflow import transitions as workflow

    editor = make_user("compare-editor", roles=["editor"])
    body = "\n\n".join(f"Paragraph {n} of a long body that stays as it was." for n in range(1, 15))
    article = make_article(body=body, title="A long body to compare")
    content = content_of(article)
    workflow.edit(
        article=article, actor=editor, reason="Paragraph 9 corrected",
        content=Content(title=content.title, summary=content.summary, references=content.references,
                        body=body.replace("Paragraph 9 of a long body", "Paragraph 9 of a corrected body")),
    )  # fmt: skip
    login(editor, next_url=f"/admin/articles/article/{article.pk}/compare/?old=1&new=2")
    page.wait_for_url(re.compile(r"/compare/"))
    summary = page.get_by_test_id("change-summary")
    assert "1 changed, 0 added, 0 removed (of 14 in revision 2)" in summary.inner_text()
    assert page.locator(".paragraph-change").count() == 1
    expect(page.locator("ins.diff-ins", has_text="corrected")).to_be_visible()
    assert _serious(page) == []
    _shots(page, artifacts, "compare-changed-paragraphs")
    page.get_by_role("link", name="Whole body").click()
    page.wait_for_url(re.compile(r"view=whole"))
    assert page.locator(".paragraph-change").count() == 0 and page.get_by_text("Paragraph 3 of a long").count() == 2
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_preview_works_without_the_script(browser, live_server, artifacts):
    editor = make_user("noscript-editor", roles=["editor"])
    article = make_article(title="Previewed without a script")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        page.goto(f"/accounts/login/?next=/admin/articles/article/{article.pk}/change/")
        page.fill("input[name=username]", editor.username)
        page.fill("input[name=password]", "pw-for-tests-only")
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/change/$"))
        page.fill("#id_body", "A *new* opening, not saved yet [1].")
        page.get_by_role("button", name="Preview as readers see it").click()
        preview = page.locator("#body-preview")
        expect(preview.locator("em", has_text="new")).to_be_visible()
        assert "Preview only: nothing was saved" in page.content()
        assert not page.locator(".errornote").is_visible()  # a note, not "Please correct the error below"
        assert page.input_value("#id_body") == "A *new* opening, not saved yet [1]."
        article.refresh_from_db()
        assert article.revision == 1 and "new" not in article.body
        preview.screenshot(path=str(artifacts / "staff-editor-preview-noscript.png"))
        page.screenshot(path=str(artifacts / "staff-editor-preview-noscript-desktop.png"), full_page=True)
    finally:
        context.close()
