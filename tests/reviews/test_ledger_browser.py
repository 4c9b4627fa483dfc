"""The claim-source ledger in a real browser: mark a source "does not support", see approval blocked, then fix it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from reviews.assignments import services as assignments
from reviews.ledger.models import ClaimCheck
from tests.factories import make_article, make_reviewer, make_user
from tests.reviews.test_review_browser import sign_in

BODY = (
    "Dexamethasone 16 mg a day eases the pain of most patients [1].\n\n"
    "Radiotherapy alone remains the usual first treatment for most others [2].\n"
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reviewer_marks_a_source_as_not_supporting_and_approval_is_blocked(page, artifacts):
    editor = make_user("ledger-editor", roles=["editor"])
    article = make_article(status=Article.Status.SUBMITTED, body=BODY, title="Steroids in cord compression")
    reviewer = make_reviewer("lena", specialty="Oncology")
    invited = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
    )
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")

    sign_in(page, reviewer.user, next_url=f"/review/assignments/{invited.pk}/")
    ledger = page.get_by_test_id("ledger")
    ledger.wait_for()
    dose = ledger.locator("[data-testid=ledger-row][data-reference='1']")
    plain = ledger.locator("[data-testid=ledger-row][data-reference='2']")
    assert "Not checked yet" in dose.inner_text()
    assert "states a dose or number" in ledger.inner_text()

    dose.get_by_label("Does not support").check()
    dose.get_by_label("Note (optional)").fill("The trial gave 10 mg, then 4 mg four times a day")
    plain.get_by_label("Supports").check()
    ledger.get_by_role("button", name="Save my marks").click()
    page.get_by_text("Your marks on the claim ledger are recorded (2 changed)").wait_for()

    assert list(ClaimCheck.objects.order_by("reference_number").values_list("mark", flat=True)) == [
        "does_not_support",
        "supports",
    ]
    blocked = page.get_by_test_id("approve-blocked")
    assert "reference report has 1 error" in blocked.inner_text()
    assert page.get_by_label("Approve").is_disabled()
    blockers = page.locator("#decision-blockers li[data-rule='claim-not-supported']")
    assert 'does not support "Dexamethasone 16 mg a day' in blockers.inner_text()
    page.screenshot(path=str(artifacts / "ledger-blocked-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.get_by_test_id("ledger").scroll_into_view_if_needed()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    page.screenshot(path=str(artifacts / "ledger-blocked-390.png"), full_page=True)

    # The reviewer changes their mind: approval opens again.
    page.set_viewport_size({"width": 1280, "height": 900})
    dose = page.get_by_test_id("ledger").locator("[data-testid=ledger-row][data-reference='1']")
    dose.get_by_label("Supports").check()
    page.get_by_role("button", name="Save my marks").click()
    page.get_by_text("Your marks on the claim ledger are recorded (1 changed)").wait_for()
    assert page.get_by_test_id("approve-blocked").count() == 0
    assert page.get_by_label("Approve").is_enabled()
