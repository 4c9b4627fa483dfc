"""In a real browser: a reviewer opens the invitation link, accepts, finds the rest of the site closed
to that sign-in, and signs an approval with their password; the author sees the signature."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from articles.models import Article
from reviews.assignments import services as assignments
from reviews.models import DecisionSignature, InvitationLink
from tests.factories import TEST_PASSWORD, make_article, make_reviewer, make_user
from tests.reviews.test_review_browser import DOSE_BODY, sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_reviewer_opens_the_invitation_link_accepts_and_signs_an_approval(page, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    editor = make_user("link-editor", roles=["editor"])
    author = make_user("link-author", roles=["author"])
    article = make_article(author=author, status=Article.Status.SUBMITTED, body=DOSE_BODY, title="Cord compression")
    reviewer = make_reviewer("lena", specialty="Neuroradiology")
    mail.outbox.clear()
    assignment = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=10)
    )
    [email] = [m for m in mail.outbox if m.to == [reviewer.user.email]]
    path = re.search(r"/review/invitation/[\w-]+/", email.body).group(0)

    page.goto(path)
    page.get_by_role("heading", name="Your invitation to review").wait_for()
    page.screenshot(path=str(artifacts / f"invitation-link-{width}.png"), full_page=True)
    page.get_by_role("button", name="Open the invitation").click()
    page.get_by_label("I have no conflict of interest with this article").check()
    page.get_by_role("button", name="Accept the review").click()
    page.get_by_text("You accepted the review").wait_for()

    # The link's sign-in reaches only this assignment.
    page.goto("/review/")
    page.get_by_test_id("link-scope").wait_for()
    page.screenshot(path=str(artifacts / f"invitation-scope-{width}.png"), full_page=True)
    page.get_by_role("link", name="Back to your assignment").click()

    for box in page.locator("fieldset:has(legend:text('Checklist')) input[type=checkbox]").all():
        box.check()
    for box in page.locator("input[name=acknowledged]").all():
        box.check()
    page.get_by_label("Approve").check()
    page.get_by_label("Your password, to sign").fill("wrong-password")
    page.get_by_role("button", name="Sign and submit the decision").click()
    page.get_by_text("The password is wrong").wait_for()
    page.screenshot(path=str(artifacts / f"signature-refused-{width}.png"), full_page=True)
    assert not DecisionSignature.objects.exists()

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
    assert InvitationLink.objects.get(assignment=assignment).used_at is not None

    page.get_by_role("button", name="Sign out").first.click()
    page.goto(path)
    page.get_by_role("button", name="Open the invitation").wait_for(state="detached")
    assert "This link was already used" in page.content()

    sign_in(page, author, next_url=f"/review/articles/{article.pk}/decisions/")
    signature = page.get_by_test_id("signature")
    assert "Signed by Lena Example (Lena Example, MD, Neuroradiology)" in signature.inner_text()
    assert "approved revision 1 as medically accurate" in signature.inner_text()
    page.screenshot(path=str(artifacts / f"decisions-signed-{width}.png"), full_page=True)
