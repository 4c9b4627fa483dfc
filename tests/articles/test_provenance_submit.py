"""Provenance before submission: with *Site settings → Require provenance before submission* on, the
workflow's ``submit`` refuses a revision that has no record of how it was made (every face: the
change page's button, the write API); the change page warns and records it; only the author (while
the text is theirs) or an editor may record it."""

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.models import Article, RevisionProvenance, SiteSettings
from articles.revisions import Content, content_of
from reviews import provenance
from reviews.api.tokens import token_create
from reviews.exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from reviews.models import TransitionLog
from reviews.workflow import transitions as workflow
from tests.factories import force_status, make_article, make_reviewer, make_user

S = Article.Status
MISSING = "revision 1 has no provenance: record whether it was written by a person"


@pytest.fixture
def required(db):
    SiteSettings.objects.update_or_create(pk=1, defaults={"require_provenance_before_submission": True})


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _unsubmitted(article) -> None:
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert not TransitionLog.objects.filter(article=article, transition="submit").exists()


def test_submission_is_refused_without_provenance_when_the_site_requires_it(required):
    article = make_article()
    with pytest.raises(WorkflowError, match=MISSING):
        workflow.submit(article=article, actor=article.author)
    _unsubmitted(article)


def test_submission_goes_ahead_once_provenance_is_recorded(required):
    article = make_article()
    provenance.revision_provenance_record(
        article=article, actor=article.author, method="ai_assisted", ai_tool="DraftBot 2", ai_use="Drafted section 2"
    )
    article = workflow.submit(article=article, actor=article.author)
    assert article.status == S.SUBMITTED


def test_without_the_setting_a_revision_is_submitted_without_provenance(db):
    article = make_article()
    assert workflow.submit(article=article, actor=article.author).status == S.SUBMITTED


def test_a_resubmitted_revision_needs_its_own_record(required, editor):
    article = make_article()
    provenance.revision_provenance_record(article=article, actor=article.author, method="written")
    article = workflow.submit(article=article, actor=article.author)
    force_status(article, S.CHANGES_REQUESTED)
    content = content_of(article)
    article, _ = workflow.edit(
        article=article, actor=article.author, reason="As the reviewer asked",
        content=Content(title=content.title, body=content.body + "\n\nMore detail [1].\n",
                        references=content.references),
    )  # fmt: skip
    with pytest.raises(WorkflowError, match="revision 2 has no provenance"):
        workflow.submit(article=article, actor=article.author)
    article.refresh_from_db()
    assert article.status == S.CHANGES_REQUESTED


def test_change_page_warns_records_provenance_then_submits(required, client):
    article = make_article()
    article.author.is_staff = True  # authors use the admin for their own drafts
    article.author.save(update_fields=["is_staff"])
    client.force_login(article.author)
    change = reverse("admin:articles_article_change", args=[article.pk])
    html = client.get(change).content.decode()
    assert 'data-testid="provenance-warning"' in html and MISSING in html
    assert 'data-testid="provenance-form"' in html
    submit = reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    response = client.post(submit, {"reason": "Ready"}, follow=True)
    assert any(MISSING in m for m in _messages(response))
    _unsubmitted(article)

    url = reverse("admin:articles_article_provenance", args=[article.pk])
    response = client.post(url, {"method": "ai_assisted", "ai_tool": "DraftBot 2"}, follow=True)
    assert "Nothing was changed: ai_use: Say what the AI tool did." in _messages(response)
    assert not RevisionProvenance.objects.exists()
    response = client.post(url, {"method": "ai_assisted", "ai_tool": "DraftBot 2", "ai_use": "Drafted it"}, follow=True)
    assert "Revision 1: written with ai assistance is recorded." in _messages(response)
    record = RevisionProvenance.objects.get()
    assert (record.revision.number, record.ai_tool, record.recorded_by) == (1, "DraftBot 2", article.author)
    assert 'data-testid="provenance-warning"' not in client.get(change).content.decode()
    response = client.post(submit, {"reason": "Ready"}, follow=True)
    article.refresh_from_db()
    assert article.status == S.SUBMITTED


def test_api_submit_is_refused_without_provenance(required, client):
    article = make_article()
    clear = token_create(owner=article.author, actor=article.author, name="t", scopes=["submit"]).clear
    response = client.post(
        f"/api/desk/articles/{article.pk}/submit/", json.dumps({}), content_type="application/json",
        HTTP_IF_MATCH='"1"', HTTP_AUTHORIZATION=f"Bearer {clear}",
    )  # fmt: skip
    assert response.status_code == 409 and MISSING in response.json()["detail"]
    _unsubmitted(article)


def test_only_the_author_in_their_turn_or_an_editor_records_provenance(db, editor):
    article = make_article()
    for outsider in (make_user("another-author", roles=["author"]), make_reviewer("dr-prov").user):
        with pytest.raises(NotPermitted):
            provenance.revision_provenance_record(article=article, actor=outsider, method="written")
    force_status(article, S.UNDER_REVIEW)
    with pytest.raises(NotPermitted):  # the text is the board's to review now, not the author's to re-describe
        provenance.revision_provenance_record(article=article, actor=article.author, method="written")
    record = provenance.revision_provenance_record(article=article, actor=editor, method="written")
    assert record.recorded_by == editor and not RevisionProvenance.objects.exclude(pk=record.pk).exists()


def test_an_imported_record_needs_its_source(db):
    article = make_article()
    with pytest.raises(TransitionNotAllowed, match="source_url: Give the address the text was imported from"):
        provenance.revision_provenance_record(article=article, actor=article.author, method="imported")
    assert not RevisionProvenance.objects.exists()
