"""In a real browser, at desktop and phone widths: an editor's unchanged save after a reviewer's
approval is refused with what changed, the re-review date kept; a past version reads as a page."""

import pytest
from django.urls import reverse

from articles.models import Article
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_unchanged_save_after_an_approval_is_refused_in_the_browser(page, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    editor = make_user(f"stale-editor-{width}", roles=["editor"])
    article = make_article(title="Malignant spinal cord compression")
    article = workflow.start_review(article=workflow.submit(article=article, actor=editor), actor=editor)
    reviewer = make_reviewer(f"stale-reviewer-{width}")
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer, assigned_by=editor))
    change_url = reverse("admin:articles_article_change", args=[article.pk])

    page.goto(f"/accounts/login/?next={change_url}")
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.press("input[name=password]", "Enter")
    page.locator("#id_change_reason").wait_for()
    approved = workflow.approve(article=article, actor=reviewer.user)  # while the editor has the page open
    page.fill("#id_change_reason", "Looked it over")
    page.locator("input[name=_save]").click()
    notice = page.get_by_text("This article changed while you were editing")
    notice.wait_for()
    assert "next review due" in notice.inner_text()
    page.screenshot(path=str(artifacts / f"admin-stale-save-{width}.png"), full_page=True)
    fresh = Article.objects.get(pk=article.pk)
    assert fresh.next_review_due == approved.next_review_due and fresh.status == Article.Status.APPROVED

    version = fresh.history.order_by("history_date").first()
    page.goto(reverse("admin:articles_article_simple_history", args=[article.pk, version.history_id]))
    page.get_by_text("Past versions are read-only").wait_for()
    page.screenshot(path=str(artifacts / f"admin-history-version-{width}.png"), full_page=True)
