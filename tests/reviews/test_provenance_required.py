"""Site settings → Require provenance before submission: the workflow's submit refuses a revision without a
provenance record, on every path (the domain, the admin button, the API); imports and the demo record it."""

import json
from dataclasses import replace
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles.models import Article, ArticleRevision, RevisionProvenance, SiteSettings
from articles.revisions import content_of
from articles.trust import provenance_record
from reviews.api.tokens import token_create
from reviews.exceptions import TransitionNotAllowed
from reviews.models import TransitionLog
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db
MISSING = "revision 1 has no provenance: record whether it was written by a person"


@pytest.fixture
def required(db):
    SiteSettings.objects.update_or_create(pk=1, defaults={"require_provenance_before_submission": True})


def _written(article: Article, actor) -> RevisionProvenance:
    revision = ArticleRevision.objects.get(article=article, number=article.revision)
    return provenance_record(revision=revision, method=RevisionProvenance.Method.WRITTEN, actor=actor)


def _unchanged(article: Article) -> None:
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not TransitionLog.objects.filter(article=article).exists()
    assert not article.history.filter(history_change_reason__startswith="submit").exists()


def test_the_domain_refuses_a_revision_without_provenance_and_names_it(required, editor):
    article = make_article()
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.submit(article=article, actor=editor)
    assert str(refused.value).startswith("Cannot submit from “draft”: " + MISSING)
    _unchanged(article)


def test_with_provenance_recorded_the_submission_goes_ahead(required, editor):
    article = make_article()
    _written(article, editor)
    assert workflow.submit(article=article, actor=editor).status == Article.Status.SUBMITTED


def test_a_resubmission_needs_the_new_revisions_provenance(required, editor):
    article = make_article()
    _written(article, editor)
    workflow.submit(article=article, actor=editor)
    workflow.start_review(article=article, actor=editor)
    workflow.request_changes(article=article, actor=editor, reason="Cite the trial")
    workflow.revise(article=article, actor=editor)
    content = content_of(Article.objects.get(pk=article.pk))
    changed = replace(content, body=content.body + "\nThe dose is 16 mg a day.\n")
    workflow.edit(article=article, actor=editor, content=changed, reason="Say the dose")
    with pytest.raises(TransitionNotAllowed, match="revision 2 has no provenance"):
        workflow.submit(article=article, actor=editor)
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_with_the_setting_off_no_provenance_is_needed(editor):
    article = make_article()
    assert workflow.submit(article=article, actor=editor).status == Article.Status.SUBMITTED


def test_the_admin_button_shows_the_refusal_and_changes_nothing(required, client):
    editor = make_user("desk-editor", roles=["editor"])
    client.force_login(editor)
    article = make_article()
    url = reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    page = client.post(url, {"reason": "Ready"}, follow=True).content.decode()
    assert MISSING in page
    _unchanged(article)

    _written(article, editor)
    client.post(url, {"reason": "Ready"}, follow=True)
    assert Article.objects.get(pk=article.pk).status == Article.Status.SUBMITTED


def test_the_api_answers_409_naming_what_is_missing(required, client, author):
    article = make_article(author=author)
    clear = token_create(owner=author, actor=author, name="test", scopes=["read", "submit"]).clear
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}", "HTTP_IF_MATCH": '"1"'}
    path = f"/api/desk/articles/{article.pk}/submit/"
    response = client.post(path, json.dumps({"reason": "Ready"}), content_type="application/json", **auth)
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed" and MISSING in response.json()["detail"]
    _unchanged(article)

    _written(article, author)
    response = client.post(path, json.dumps({"reason": "Ready"}), content_type="application/json", **auth)
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_an_imported_article_carries_its_provenance_and_can_be_submitted(required, editor, tmp_path):
    source = tmp_path / "cord.md"
    source.write_text(
        "---\ntitle: Cord compression\n---\nRadiotherapy is the usual first treatment [1].\n\n"
        "## References\n1. [Guideline] Loblaw DA. Emergency treatment. J Clin Oncol. 1998;16:1613-24.\n"
    )
    call_command("import_articles", str(source), user=editor.username, stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get(slug="cord-compression")
    assert RevisionProvenance.objects.get(revision__article=article).method == RevisionProvenance.Method.IMPORTED
    assert workflow.submit(article=article, actor=editor).status == Article.Status.SUBMITTED


def test_the_demo_records_provenance_and_still_stages_every_state(required):
    call_command("demo_setup", stdout=StringIO())
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses >= {"draft", "submitted", "under_review", "approved", "changes_requested"}
    missing = ArticleRevision.objects.filter(
        provenance__isnull=True, article__status__in=["submitted", "under_review", "approved", "changes_requested"]
    )
    assert list(missing.values_list("article__slug", "number")) == []


def _bearer(user) -> dict:
    clear = token_create(owner=user, actor=user, name="test", scopes=["read", "submit"]).clear
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def test_an_article_made_through_the_api_with_its_provenance_can_be_submitted_there(required, client, author):
    made = {"method": "ai_assisted", "ai_tool": "A drafting tool 2", "ai_use": "drafted the summary"}
    body = {"title": "Dexamethasone", "body": "Sixteen mg a day is usual.\n", "provenance": made}
    created = client.post("/api/desk/articles/", json.dumps(body), content_type="application/json", **_bearer(author))
    assert created.status_code == 201, created.content
    article = Article.objects.get(pk=created.json()["id"])
    provenance = RevisionProvenance.objects.get(revision__article=article)
    assert (provenance.method, provenance.ai_tool, provenance.recorded_by) == (
        "ai_assisted",
        "A drafting tool 2",
        author,
    )
    submitted = client.post(f"/api/desk/articles/{article.pk}/submit/", "{}", content_type="application/json",
                            HTTP_IF_MATCH=created["ETag"], **_bearer(author))  # fmt: skip
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_an_api_update_records_the_new_revisions_provenance(required, client, author):
    article = make_article(author=author)
    body = {"title": article.title, "body": article.body + "\nMore.\n", "provenance": {"method": "written"}}
    auth = {**_bearer(author), "HTTP_IF_MATCH": '"1"'}
    updated = client.put(f"/api/desk/articles/{article.pk}/", json.dumps(body), content_type="application/json", **auth)
    assert updated.status_code == 200 and updated.json()["revision"] == 2
    assert RevisionProvenance.objects.get(revision__article=article).revision.number == 2


def test_an_incomplete_provenance_is_400_and_creates_nothing(required, client, author):
    body = {"title": "Dexamethasone", "body": "Text.\n", "provenance": {"method": "ai_assisted"}}
    response = client.post("/api/desk/articles/", json.dumps(body), content_type="application/json", **_bearer(author))
    assert response.status_code == 400 and response.json() == {
        "ai_tool": ["Name the AI tool that was used."], "ai_use": ["Say what the AI tool did."]
    }  # fmt: skip
    assert not Article.objects.exists() and not RevisionProvenance.objects.exists()
