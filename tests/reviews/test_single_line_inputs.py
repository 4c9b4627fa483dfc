"""Names and reasons meant as one line refuse a line break or a control character with a form error naming
the field, on every form that takes them (the desk's buttons, the article form, assignments, error reports,
profiles, the API), and nothing is written."""

import json

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from articles import error_reports
from articles.models import Article, AuthorProfile, ErrorReport
from articles.validators import SingleLineValidator
from reviews.admin.articles import ArticleForm
from reviews.admin.forms import AssignForm, OverrideForm, ReasonForm, ReassignForm
from reviews.api.tokens import token_create
from reviews.models import ReviewerProfile, TransitionLog
from tests.factories import make_article, make_publication, make_topic, make_user

pytestmark = pytest.mark.django_db
S = Article.Status
BREAK = "A reason must be a single line: remove the line break."
BELL = "A reason must be plain text: remove the control character U+0007."
BAD = [("Ready\nfor review", BREAK), ("Ready\u2028now", BREAK), ("Ready\x07", BELL), ("Ready\x1b[31m", BELL[:-5])]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def desk(client):
    editor = make_user("single-line-editor", roles=["editor"])
    client.force_login(editor)
    return client


def test_the_validator_allows_a_tab_and_names_the_character_it_refuses():
    validator = SingleLineValidator("A reason")
    validator("Typo fixed\tin the summary")  # a tab is pasted text, not a control
    with pytest.raises(Exception, match="U\\+001B"):
        validator("x\x1by")
    with pytest.raises(Exception, match="U\\+009B"):
        validator("x\x9by")


@pytest.mark.parametrize(("reason", "message"), BAD)
def test_a_workflow_button_with_a_bad_reason_changes_nothing(desk, reason, message):
    article = make_article()
    url = reverse("admin:articles_article_transition", args=[article.pk, "archive"])
    response = desk.post(url, {"reason": reason})
    assert any(m.startswith(message) for m in _messages(response))
    assert Article.objects.get(pk=article.pk).status == S.DRAFT and not TransitionLog.objects.exists()


def test_a_desk_step_with_a_line_break_in_its_reason_changes_nothing(desk):
    article = make_article(status=S.APPROVED)
    response = desk.post(reverse("admin:articles_article_publish", args=[article.pk]), {"reason": "Go\nlive"})
    (message,) = _messages(response)
    assert message.startswith("Nothing was changed:") and BREAK in message
    assert Article.objects.get(pk=article.pk).live_publication_id is None


@pytest.mark.parametrize(("reason", "message"), BAD)
def test_reason_fields_of_the_desk_forms_refuse_them(reason, message):
    findings = [{"key": "k", "rule": "r", "message": "m"}]
    forms = [
        (ReasonForm({"reason": reason}), "reason"),
        (OverrideForm({"reason": reason, "keys": ["k"]}, findings=findings), "reason"),
        (AssignForm({"due_on": "2030-01-01", "override_reason": reason}), "override_reason"),
        (ReassignForm({"due_on": "2030-01-01", "reason": reason, "override_reason": reason}), "reason"),
        (ReassignForm({"due_on": "2030-01-01", "reason": "ok", "override_reason": reason}), "override_reason"),
    ]
    for form, field in forms:
        assert not form.is_valid()
        assert form.errors[field][0].startswith(message), (type(form).__name__, field)


@pytest.mark.parametrize("field", ["change_reason", "non_material_reason"])
def test_the_article_forms_reasons_refuse_a_line_break(field):
    topic = make_topic("Neurology")
    data = {"title": "Cord compression", "slug": "cord", "summary": "", "body": "Text.", "topic": topic.pk,
            "audience": "clinician", "change_reason": "Created", field: "Typo\nfixed"}  # fmt: skip
    form = ArticleForm(data)
    assert not form.is_valid() and form.errors[field] == [BREAK]


def test_a_dismissal_reason_with_a_line_break_is_a_form_error_and_the_report_stays(admin_client):
    article = make_article(status=S.APPROVED)
    make_publication(article=article)
    article.refresh_from_db()
    report = error_reports.error_report_submit(
        article=article, category="reference", message="Reference 2 points at the wrong paper."
    )
    data = {"action": "dismiss", "apply": "1", "_selected_action": [report.pk]}
    page = admin_client.post("/admin/articles/errorreport/", {**data, "dismissed_reason": "Duplicate\r\nof #1"})
    assert page.status_code == 200 and BREAK in page.content.decode()
    assert ErrorReport.objects.get(pk=report.pk).state == ErrorReport.State.NEW
    admin_client.post("/admin/articles/errorreport/", {**data, "dismissed_reason": "Duplicate of #1"})
    assert ErrorReport.objects.get(pk=report.pk).dismissed_reason == "Duplicate of #1"


@pytest.mark.parametrize("model", [ReviewerProfile, AuthorProfile])
@pytest.mark.parametrize(("name", "message"), [("Jane\nDoe", "line break"), ("Jane\x08Doe", "U+0008")])
def test_a_display_name_in_the_admin_must_be_one_line(admin_user, model, name, message):
    request = RequestFactory().get("/")
    request.user = admin_user
    form = admin.site._registry[model].get_form(request)(data={"display_name": name})
    assert not form.is_valid()
    assert (
        message in " ".join(form.errors["display_name"]) and "A display name must be" in form.errors["display_name"][0]
    )


def test_the_api_refuses_a_reason_with_a_line_break_with_400(client, author):
    article = make_article(author=author)
    clear = token_create(owner=author, actor=author, name="test", scopes=["read", "submit"]).clear
    response = client.post(
        f"/api/desk/articles/{article.pk}/submit/", json.dumps({"reason": "Ready\nnow"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {clear}", HTTP_IF_MATCH='"1"',
    )  # fmt: skip
    assert response.status_code == 400 and response.json() == {"reason": [BREAK]}
    assert Article.objects.get(pk=article.pk).status == S.DRAFT


def test_the_desks_withdrawal_with_a_reason_on_two_lines_says_so_and_changes_nothing(client, editor):
    from datetime import timedelta

    from django.utils import timezone

    from reviews.assignments import services as assignments
    from tests.factories import make_reviewer

    article = make_article(status=S.SUBMITTED)
    invited = assignments.assignment_create(
        article=article, reviewer=make_reviewer("two-lines"), actor=editor, due_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(editor)
    response = client.post(f"/review/desk/assignments/{invited.pk}/withdraw/", {"reason": "Paused\nfor now"})
    assert _messages(response) == [f"Nothing was changed: {BREAK}"]
    invited.refresh_from_db()
    assert invited.status == "invited"
