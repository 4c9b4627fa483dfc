"""The read-only audit view of the workflow log and publications, its filters and CSV export."""

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article
from reviews.publishing import audit
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db
AUDIT = reverse("admin:articles_article_audit")


@pytest.fixture
def history(editor):
    other = make_user("other-editor", roles=["editor"])
    with time_machine.travel(datetime(2026, 1, 10, 9, tzinfo=UTC), tick=False) as clock:
        first = make_article(status=Article.Status.APPROVED, title="First article")
        publishing.publish(article=first, actor=editor, reason='=HYPERLINK("x") launch')
        clock.move_to(datetime(2026, 2, 10, 9, tzinfo=UTC))
        second = make_article(title="Second article")
        workflow.submit(article=second, actor=other, reason="Ready for the board")
        publishing.unpublish(article=first, actor=other, reason="Safety notice")
    return first, second, other


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_selectors_filter_by_article_actor_step_and_dates(history, editor):
    first, second, _ = history
    assert [log.transition for log in audit.transitions_for_audit(article=first.pk)] == ["unpublish", "publish"]
    assert [log.transition for log in audit.transitions_for_audit(actor="other-editor")] == ["unpublish", "submit"]
    assert [log.article_id for log in audit.transitions_for_audit(transition="submit")] == [second.pk]
    january = audit.transitions_for_audit(since=datetime(2026, 1, 1).date(), until=datetime(2026, 1, 31).date())
    assert [log.transition for log in january] == ["publish"]
    assert [p.article_id for p in audit.publications_for_audit(actor="editor")] == [first.pk]
    assert not audit.publications_for_audit(since=datetime(2026, 2, 1).date()).exists()


def test_audit_page_lists_and_filters(client, editor, history):
    client.force_login(editor)
    html = client.get(AUDIT).content.decode()
    assert "Ready for the board" in html and "Safety notice" in html and "First article" in html
    filtered = client.get(AUDIT, {"transition": "submit"}).content.decode()
    assert "Ready for the board" in filtered and "<td>unpublish</td>" not in filtered
    bad = client.get(AUDIT, {"since": "2026-03-01", "until": "2026-01-01"}, follow=True)
    assert bad.status_code == 200 and "“Since” must not be after “until”." in bad.content.decode()


def test_csv_exports_follow_the_filters_and_neutralise_formulas(client, editor, history):
    first, _, _ = history
    client.force_login(editor)
    rows = _csv(client.get(AUDIT, {"article": first.pk, "export": "transitions"}))
    assert [(r["transition"], r["actor"], r["from_status"], r["to_status"]) for r in rows] == [
        ("unpublish", "other-editor", "approved", "approved"),
        ("publish", "editor", "approved", "approved"),
    ]
    assert rows[1]["reason"].startswith("revision 1: ")
    response = client.get(AUDIT, {"export": "publications"})
    assert response["Content-Type"].startswith("text/csv")
    (pub,) = _csv(response)
    assert pub["reason"] == '\'=HYPERLINK("x") launch'  # a spreadsheet will not run it
    assert (pub["withdrawn_by"], pub["withdrawal_reason"]) == ("other-editor", "Safety notice")


def test_audit_is_for_staff_with_view_permission_only(client, author):
    client.force_login(author)
    assert client.get(AUDIT).status_code == 302  # not staff: sent to the admin login
    author.is_staff = True
    author.save(update_fields=["is_staff"])
    assert client.get(AUDIT).status_code == 403  # the audit log is for editors


def test_nothing_in_the_audit_view_can_change_history(client, editor, history):
    client.force_login(editor)
    before = list(audit.transitions_for_audit().values_list("pk", "reason"))
    client.post(AUDIT, {"transition": "publish"})
    assert list(audit.transitions_for_audit().values_list("pk", "reason")) == before
    for model in ("transitionlog", "publication", "publicationwithdrawal"):
        app = "reviews" if model == "transitionlog" else "articles"
        assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403


def test_the_article_filter_takes_a_title_or_slug_with_suggestions_and_refuses_bad_values(client, editor, history):
    first, second, _ = history
    client.force_login(editor)
    page = client.get(AUDIT).content.decode()
    assert 'list="audit-articles"' in page and '<option value="First article">' in page  # suggestions, not ids
    by_slug = client.get(AUDIT, {"article": first.slug})
    assert by_slug.context["form"].cleaned_data["article"] == first.pk
    assert "Ready for the board" not in by_slug.content.decode()  # only the first article's steps
    by_title = client.get(AUDIT, {"article": "second ARTICLE"})
    assert [log.article_id for log in by_title.context["transitions"]] == [second.pk]
    for value, message in (("No such title", "No article is called or numbered “No such title”."),
                           ("x" * 301, "Ensure this value has at most 300 characters (it has 301).")):  # fmt: skip
        response = client.get(AUDIT, {"article": value})
        html = response.content.decode()
        assert response.status_code == 200 and message in html  # a form error beside the field, never a 500
        assert 'class="errorlist' in html
