"""In a real browser: an editor fixes a typo as a non-material edit (the approval stays), then tries to pass
a dose change off as non-material (refused, saved as an ordinary edit, the article goes back to review)."""

import pytest
from django.urls import reverse

from articles.models import Article
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user
from tests.reviews.test_non_material import BODY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page, *, body: str, reason: str, non_material: str) -> None:
    page.fill("#id_body", body)
    page.fill("#id_change_reason", reason)
    page.fill("#id_non_material_reason", non_material)
    page.locator("input[name=_continue]").click()


@pytest.mark.parametrize("width", [1280, 390])
def test_editor_marks_a_typo_non_material_and_a_dose_change_is_refused(page, artifacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    editor = make_user("nm-browser-editor", roles=["editor"])
    reviewer = make_reviewer("nm-browser-reviewer")
    article = make_article(status=Article.Status.UNDER_REVIEW, body=BODY, title="Steroids in cord compression")
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    workflow.approve(article=article, actor=reviewer.user)
    change_url = reverse("admin:articles_article_change", args=[article.pk])

    page.goto(f"/accounts/login/?next={change_url}")
    page.fill("input[name=username]", editor.username)
    page.fill("input[name=password]", "pw-for-tests-only")
    page.press("input[name=password]", "Enter")
    _save(page, body=BODY.replace("patiens", "patients"), reason="Spelling", non_material="Spelling of patients")
    page.get_by_text("Non-material edit: revision 2 keeps the approval.").wait_for()
    page.screenshot(path=str(artifacts / f"non-material-kept-{width}.png"), full_page=True)
    article.refresh_from_db()
    assert (article.status, article.revision) == (Article.Status.APPROVED, 2)

    _save(page, body=article.body.replace("16 mg", "8 mg"), reason="Lower dose", non_material="Small fix")
    page.get_by_text("Refused as non-material, saved as an ordinary edit").wait_for()
    assert "a number changed" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(artifacts / f"non-material-refused-{width}.png"), full_page=True)
    article.refresh_from_db()
    assert (article.status, article.revision) == (Article.Status.SUBMITTED, 3)
