"""A double-anonymous review in a real browser: the reviewer reads "the author", the author reads
"Reviewer 1", and a reviewer declines public credit on their credit page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Anonymity, Article
from reviews.assignments import decisions
from tests.factories import TEST_PASSWORD, make_article, make_assignment, make_reviewer, make_topic, make_user


def sign_in(page, user, next_url="/review/"):
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()


def _shots(page, artifacts, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_double_anonymous_review_seen_by_reviewer_and_author(page, artifacts):
    editor = make_user("anon-editor", roles=["editor"])
    author = make_user("hquill", roles=["author"], first_name="Hester", last_name="Quill")
    author.is_staff = True
    author.save(update_fields=["is_staff"])
    topic = make_topic("Neurology", anonymity=Anonymity.DOUBLE)
    article = make_article(author=author, topic=topic, status=Article.Status.UNDER_REVIEW, title="Cord compression")
    reviewer = make_reviewer("zedwick", specialty="Neurology")
    assignment = make_assignment(
        article=article, reviewer=reviewer, assigned_by=editor, due_at=timezone.now() + timedelta(days=5)
    )

    sign_in(page, reviewer.user, next_url=f"/review/assignments/{assignment.pk}/")
    assert page.get_by_test_id("author").inner_text() == "the author"
    assert "Double-anonymous" in page.get_by_test_id("anonymity").inner_text()
    assert "Quill" not in page.content()
    _shots(page, artifacts, "anonymity-review-page")

    # The reviewer asks not to be named in the public credit.
    page.get_by_role("link", name="My public credit").click()
    page.get_by_label("Name me in the public “reviewed by” credit of articles I approve").uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("You will not be named in the public credit.").wait_for()
    assert "asked not to be named" in page.get_by_test_id("credit-line").inner_text()
    _shots(page, artifacts, "anonymity-credit-page")
    reviewer.refresh_from_db()
    assert reviewer.consents_to_public_credit is False

    decisions.review_submit(
        assignment=assignment, actor=reviewer.user, revision=article.revision, decision="request_changes",
        checklist={}, comments="Please give the dose.", password=TEST_PASSWORD,
    )  # fmt: skip
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, author, next_url=f"/review/articles/{article.pk}/decisions/")
    assert "Request changes: Reviewer 1" in page.locator("main").inner_text()
    assert "zedwick" not in page.content().lower()
    _shots(page, artifacts, "anonymity-decisions-page")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    assert "Reviewer 1" in page.locator(".review-panel").inner_text()
    assert "zedwick" not in page.content().lower()
    _shots(page, artifacts, "anonymity-author-change-page")
