"""In a real browser: provisional → approved → Publish as editor and reader, and a scheduled re-review
from the moved date to the reviewer's invitation, at 1280 and 390 pixels wide."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, SiteSettings
from reviews.models import ReviewAssignment
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Article.Status


def _login_admin(page, user, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.press("input[name=password]", "Enter")


def _both_widths(page, artifacts, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _reader(page, article):
    response = page.goto(f"/articles/{article.slug}/")
    assert response.status == 200  # never a 410 on the way
    return page


def test_provisional_then_approved_then_published(page, artifacts):
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    editor = make_user("walk-editor", roles=["editor"], is_staff=True)
    article = make_article(title="Malignant spinal cord compression", status=S.UNDER_REVIEW)
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    _login_admin(page, editor, change_url)
    page.fill("#publish-reason", "Urgent safety information, pending the board")
    page.locator(".publish-form input[name=provisional]").check()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Revision 1 is now live provisionally for readers.").wait_for()

    _reader(page, article)
    assert page.get_by_test_id("pending-banner").is_visible()
    assert "Not yet reviewed" in page.locator(".facts").inner_text()
    _both_widths(page, artifacts, "walk-provisional-reader")

    reviewer = make_reviewer("dr-walk")
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    workflow.approve(article=article, actor=reviewer.user)
    _reader(page, article)  # approved, not yet promoted: the provisional page stays up
    assert page.get_by_test_id("pending-banner").is_visible()

    page.goto(change_url)
    page.fill("#publish-reason", "The board approved this revision")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Revision 1 is now live for readers.").wait_for()
    _both_widths(page, artifacts, "walk-promoted-editor")

    _reader(page, article)
    assert page.get_by_test_id("pending-banner").count() == 0
    assert reviewer.display_line in page.locator(".credits").inner_text()
    assert "Approved by the medical advisory board." in page.locator(".status-summary").inner_text()
    _both_widths(page, artifacts, "walk-promoted-reader")


def test_a_scheduled_rereview_reaches_the_previous_reviewer(page, artifacts):
    editor = make_user("rr-editor", roles=["editor"], is_staff=True)
    reviewer = make_reviewer("dr-again")
    article = make_article(title="Cervical myelopathy imaging", status=S.UNDER_REVIEW)
    assignment = make_assignment(article=article, reviewer=reviewer, responded_at=timezone.now())
    make_approval(assignment=assignment)
    workflow.approve(article=article, actor=reviewer.user)
    ReviewAssignment.objects.get(pk=assignment.pk)  # decided: its own decision closed it
    publishing.publish(article=article, actor=editor, reason="Approved by the board")

    change_url = reverse("admin:articles_article_change", args=[article.pk])
    _login_admin(page, editor, change_url)
    yesterday = timezone.localdate() - timedelta(days=1)
    page.fill("#review-due-date", yesterday.isoformat())
    page.fill("#review-due-reason", "New guideline published; review now")
    page.get_by_role("button", name="Change re-review date").click()
    page.get_by_text(f"The re-review date is now {yesterday:%Y-%m-%d}.").wait_for()

    call_command("run_due_jobs", stdout=StringIO())  # what cron or the demo's loop runs
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    page.goto(reverse("admin:articles_article_desk"))
    assert article.title in page.locator("body").inner_text()
    _both_widths(page, artifacts, "walk-rereview-desk")

    _reader(page, article)
    assert "Approved by the medical advisory board." in page.locator(".status-summary").inner_text()
    _both_widths(page, artifacts, "walk-rereview-reader")

    page.context.clear_cookies()
    _login_admin(page, reviewer.user, "/review/")
    assert article.title in page.locator("main").inner_text()
    _both_widths(page, artifacts, "walk-rereview-invitation")
