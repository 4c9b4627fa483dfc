"""The whole review path in a real browser: assign, accept, read the report, approve, credit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from reviews.models import Review, ReviewAssignment
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_user

DOSE_BODY = (
    "Radiotherapy is the usual first treatment for most patients [1].\n\n"
    "Give 16 mg of dexamethasone daily.\n\n"
    "Decompressive surgery helps selected patients walk again [2].\n"
)


def sign_in(page, user, next_url="/review/"):
    """Like the ``login`` fixture, but presses the form's own button: the site header carries
    a search form whose submit button comes first on the page."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_assigns_reviewer_accepts_reads_findings_and_approves(page, artifacts):
    editor = make_user("desk-editor", roles=["editor"])
    author = make_user("desk-author", roles=["author"])
    article = make_article(author=author, status=Article.Status.SUBMITTED, body=DOSE_BODY, title="Spinal cord care")
    reviewer = make_reviewer("jane", specialty="Neuroradiology")

    # The editor assigns from the desk.
    sign_in(page, editor, next_url=f"/review/desk/articles/{article.pk}/assign/")
    page.get_by_label("Jane Example, MD, Neuroradiology").check()
    page.fill("input[name=due_on]", (timezone.localdate() + timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Invite").click()
    page.get_by_text("Invited Jane Example").wait_for()
    assignment = ReviewAssignment.objects.get(article=article, reviewer=reviewer)
    page.get_by_role("button", name="Sign out").click()

    # The reviewer logs in, finds the invitation and accepts with no conflict of interest.
    sign_in(page, reviewer.user)
    page.get_by_role("link", name="Spinal cord care").click()
    page.get_by_label("I have no conflict of interest with this article").check()
    page.get_by_role("button", name="Accept the review").click()
    page.get_by_text("You accepted the review").wait_for()
    assert page.get_by_test_id("article-status").inner_text() == "Under review"

    # The review page shows the article as readers see it and the findings beside the text.
    dose_note = page.locator("aside.notes li[data-rule='claim-uncited']")
    assert "16 mg" in dose_note.inner_text()
    assert page.locator("#ref-1 li[data-rule='reference-outdated']").count() == 1
    assert page.locator("sup.citation a[href='#ref-1']").count() == 1

    # Sign: every checklist item, each warning acknowledged, approve.
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
    assert Review.objects.get(article=article).credentials["display"] == "Jane Example, MD, Neuroradiology"
    assert page.get_by_test_id("article-status").inner_text() == "Approved"
    assert "Jane Example, MD, Neuroradiology" in page.get_by_test_id("credit").inner_text()
    assignment.refresh_from_db()
    assert assignment.status == "submitted"
    page.screenshot(path=str(artifacts / "review-approved.png"), full_page=True)
