"""In a real browser, the whole journey: a reviewer opens the invitation link, accepts, selects a
passage and comments on it; the author replies from their article's page; the reviewer resolves the
thread and signs an approval."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from reviews.assignments import services as assignments
from reviews.comments.models import CommentThread
from reviews.models import DecisionSignature
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_user
from tests.reviews.test_review_browser import DOSE_BODY, sign_in
from tests.reviews.test_staff_browser import _serious

SELECT = """([selector, words]) => {
  const text = document.querySelector(selector).firstChild;
  const at = text.data.indexOf(words);
  const range = document.createRange();
  range.setStart(text, at);
  range.setEnd(text, at + words.length);
  const selection = document.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_reviewer_comments_on_a_passage_the_author_replies_the_reviewer_resolves_and_approves(page, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    editor = make_user("walk-editor", roles=["editor"])
    author = make_user("walk-author", roles=["author"], first_name="Cara", last_name="Writer", is_staff=True)
    article = make_article(author=author, status=Article.Status.SUBMITTED, body=DOSE_BODY, title="Cord compression")
    reviewer = make_reviewer("lena", specialty="Neuroradiology")
    mail.outbox.clear()
    assignment = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=10)
    )
    [email] = [m for m in mail.outbox if m.to == [reviewer.user.email]]
    link = re.search(r"/review/invitation/[\w-]+/", email.body).group(0)

    # The invitation link signs the reviewer in to this assignment; they accept.
    page.goto(link)
    page.get_by_role("button", name="Open the invitation").click()
    page.get_by_label("I have no conflict of interest with this article").check()
    page.get_by_role("button", name="Accept the review").click()
    page.get_by_text("You accepted the review").wait_for()

    # A passage selected in the second paragraph becomes the comment's quote.
    page.locator("#block-2 summary").click()
    page.evaluate(SELECT, ["#block-2 p", "16 mg of dexamethasone"])
    page.locator("#comment-new-2 [data-quote-shown]").get_by_text("Quoting: “16 mg of dexamethasone”").wait_for()
    page.get_by_label("Your comment on paragraph 2").fill("Please cite the source of this dose.")
    page.locator("#comment-new-2").get_by_role("button", name="Post the comment").click()
    page.get_by_text("Your comment is posted.").wait_for()
    thread = CommentThread.objects.get()
    assert (thread.paragraph, thread.quote, thread.assignment_id) == (2, "16 mg of dexamethasone", assignment.pk)
    shown = page.locator(f"#thread-{thread.pk}")
    assert "Lena Example, MD, Neuroradiology (reviewer)" in shown.inner_text()
    shown.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"comment-posted-{width}.png"), full_page=True)
    page.get_by_role("button", name="Sign out").first.click()

    # The author answers from their article's page in the desk.
    sign_in(page, author, next_url=f"/admin/articles/article/{article.pk}/change/")
    panel = page.locator("#comments")
    panel.get_by_text("Please cite the source of this dose.").wait_for()
    panel.locator(f"#reply-{thread.pk}").fill("Added: the dose follows the guideline [2].")
    panel.locator(f"#thread-{thread.pk}").get_by_role("button", name="Reply").click()
    page.get_by_text("Your reply is posted.").wait_for()
    assert "Cara Writer (author)" in page.locator(f"#thread-{thread.pk}").inner_text()
    assert page.locator(f"#thread-{thread.pk}").get_by_role("button", name=re.compile("Resolve")).count() == 0
    page.locator("#comments").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"comment-author-reply-{width}.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Log out|Sign out")).first.click()

    # The reviewer reads the answer, resolves the thread and signs the approval.
    sign_in(page, reviewer.user, next_url=f"/review/assignments/{assignment.pk}/")
    own = page.locator(f"#thread-{thread.pk}")
    own.get_by_text("Added: the dose follows the guideline").wait_for()
    own.get_by_role("button", name=re.compile("Resolve")).click()
    page.get_by_text("Thread resolved.").wait_for()
    assert "Resolved" in page.locator(f"#thread-{thread.pk} [data-testid=comment-state]").inner_text()
    page.locator(f"#thread-{thread.pk}").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"comment-resolved-{width}.png"), full_page=True)
    assert _serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll

    for box in page.locator("fieldset:has(legend:text('Checklist')) input[type=checkbox]").all():
        box.check()
    for box in page.locator("input[name=acknowledged]").all():
        box.check()
    page.get_by_label("Approve").check()
    page.get_by_label("Your password, to sign").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign and submit the decision").click()
    page.get_by_text("Your decision (approve) is recorded").wait_for()
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    assert DecisionSignature.objects.get().signer == reviewer.user
    thread.refresh_from_db()
    assert thread.status == CommentThread.Status.RESOLVED
    assert list(thread.comments.values_list("kind", "role")) == [
        ("comment", "reviewer"), ("comment", "author"), ("resolved", "reviewer"),
    ]  # fmt: skip
