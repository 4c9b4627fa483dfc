"""In a real browser: an editor compares two revisions, sees the highlighted change, then publishes."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.workflow import transitions as workflow
from tests.factories import force_status, make_article, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_compares_revisions_then_publishes(page, artifacts):
    editor = make_user("browser-editor", roles=["editor"])
    article = make_article(title="Malignant spinal cord compression")
    content = content_of(article)
    workflow.edit(
        article=article, actor=editor, reason="Clearer wording for patients",
        content=Content(title=content.title, body=content.body.replace("walk again", "walk once more"),
                        references=content.references),
    )  # fmt: skip
    force_status(article, Article.Status.APPROVED)
    change_url = reverse("admin:articles_article_change", args=[article.pk])

    page.goto(f"/accounts/login/?next={change_url}")
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.press("input[name=password]", "Enter")  # the page header has a search form with its own submit button
    page.get_by_role("button", name="Compare selected revisions").click()
    inserted = page.locator("ins.diff-ins", has_text="once more")
    deleted = page.locator("del.diff-del", has_text="again")
    assert inserted.first.is_visible() and deleted.first.is_visible()
    colour = inserted.first.evaluate("el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the change is highlighted, not only marked up
    page.screenshot(path=str(artifacts / "admin-compare-revisions.png"), full_page=True)

    page.goto(change_url)
    page.fill("#publish-reason", "Board approved the clearer wording")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text("Revision 2 is now live for readers.").wait_for()
    assert "Live for readers: revision 2" in page.locator(".live-status").inner_text()
    page.screenshot(path=str(artifacts / "admin-published.png"), full_page=True)
    article.refresh_from_db()
    assert article.live_publication.revision.number == 2
    assert article.live_publication.published_by == editor
