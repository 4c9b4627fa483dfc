"""Email templates in the database: refused when broken, versions kept, the version sent recorded, preview."""

import pytest
from django.core import mail

from reviews.mail.models import EmailTemplate
from reviews.mail.templates import template_problems
from reviews.models import Notification
from reviews.workflow import transitions as workflow
from tests.factories import make_article

pytestmark = pytest.mark.django_db
TRANSITION = "reviews/email/transition.txt"


def _save(client, **data):
    return client.post("/admin/reviews/emailtemplate/add/", {"key": TRANSITION, **data})


@pytest.mark.parametrize(
    ("subject", "body", "fragment"),
    [
        ("{{ article.title|no_such_filter }}", "ok", "syntax error"),
        ("{% if article %}no end", "ok", "syntax error"),
        ("About {{ article.title }}", "Hello {{ reviewer.name }}", "Unknown variable(s): reviewer"),
        ("{% include 'base.html' %}", "ok", "not allowed"),
    ],
)
def test_a_broken_template_is_refused_before_saving(client, chief, subject, body, fragment):
    client.force_login(chief)
    response = _save(client, subject=subject, body=body)
    assert response.status_code == 200  # the form again, with the error
    assert fragment in response.content.decode()
    assert not EmailTemplate.objects.exists()


def test_loop_variables_are_known_and_the_allowed_list_is_named():
    assert template_problems(key="reviews/email/changes_requested.txt",
                             text="{% for r in reviews %}{{ r.comments }}{% endfor %}") == []  # fmt: skip
    assert "may use: article, log, acted_by, site_url" in template_problems(key=TRANSITION, text="{{ nope }}")[0]


def test_only_an_editor_in_chief_edits_templates(client, editor):
    client.force_login(editor)
    assert _save(client, subject="S", body="B").status_code == 403


def test_the_version_sent_is_recorded_and_the_file_stays_the_default(
    client, chief, editor, django_capture_on_commit_callbacks
):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=article, actor=editor)
    default = Notification.objects.get()
    assert default.template == TRANSITION and default.template_version is None

    client.force_login(chief)
    _save(
        client, subject="Moved: {{ article.title }}", body="Now {{ log.get_to_status_display|lower }}. {{ site_url }}"
    )
    edited = EmailTemplate.objects.get()
    assert edited.history.count() == 1
    mail.outbox.clear()
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(article=article, actor=editor)
    sent = Notification.objects.exclude(pk=default.pk).get()
    assert sent.template_version == edited.history.latest().history_id
    assert mail.outbox[0].subject == f"Moved: {article.title}"
    assert mail.outbox[0].body.startswith("Now submitted.") and sent.body.startswith("Now submitted.")

    client.post(
        f"/admin/reviews/emailtemplate/{edited.pk}/change/",
        {"key": TRANSITION, "subject": "v2 {{ article.title }}", "body": "b"},
    )
    assert edited.history.count() == 2  # the earlier version is kept
    assert sent.template_version != edited.history.latest().history_id


def test_preview_renders_with_a_real_article(client, chief):
    article = make_article()
    edited = EmailTemplate.objects.create(
        key=TRANSITION, subject="About {{ article.title }}", body="Revision {{ article.revision }}"
    )
    client.force_login(chief)
    response = client.get(f"/admin/reviews/emailtemplate/{edited.pk}/preview/", {"article": article.pk})
    assert response.status_code == 200
    assert response.content.decode() == f"Subject: About {article.title}\n\nRevision 1\n"
