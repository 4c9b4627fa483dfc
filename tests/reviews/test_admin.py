"""The editors' desk in the admin: pages load, buttons drive the workflow, saves make revisions."""

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article
from reviews.models import TransitionLog
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    editor = make_user("desk-editor", roles=["editor"])
    client.force_login(editor)
    return client, editor


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_changelist_loads(admin_client, model):
    make_article()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert admin_client.get(url).status_code == 200


def test_change_page_offers_only_the_buttons_this_user_may_press(desk):
    client, _ = desk
    article = make_article()
    page = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Submit for review" in page and "Archive" in page
    assert "Approve" not in page and "Reject" not in page


def test_button_calls_the_transition(desk):
    client, editor = desk
    article = make_article()
    url = reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    response = client.post(url, {"reason": "Ready"}, follow=True)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert TransitionLog.objects.get().actor == editor


def test_refused_button_shows_the_reason_and_changes_nothing(desk):
    client, _ = desk
    article = make_article()
    url = reverse("admin:articles_article_transition", args=[article.pk, "reject"])
    response = client.post(url, {"reason": "no"}, follow=True)
    assert "Cannot reject from “draft”" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not TransitionLog.objects.exists()


def test_unknown_transition_and_get_are_refused(desk):
    client, _ = desk
    article = make_article()
    assert client.get(reverse("admin:articles_article_transition", args=[article.pk, "submit"])).status_code == 405
    response = client.post(reverse("admin:articles_article_transition", args=[article.pk, "publish-now"]), follow=True)
    assert "There is no transition called" in response.content.decode()


def _form_data(article, **changes):
    refs = list(article.references.order_by("number"))
    data = {
        "title": article.title, "slug": article.slug, "summary": article.summary, "body": article.body,
        "topic": article.topic_id, "audience": article.audience, "variant_of": "", "next_review_due": "",
        "change_reason": "Clarified the opening", "expected_revision": article.revision,
        "expected_version": article.version,
        "references-TOTAL_FORMS": len(refs), "references-INITIAL_FORMS": len(refs),
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for i, ref in enumerate(refs):
        for name in ("id", "number", "kind", "authors", "title", "source", "year", "details", "doi", "pmid",
                     "pmcid", "isbn", "issn", "url", "raw"):  # fmt: skip
            value = getattr(ref, name)
            data[f"references-{i}-{name}"] = "" if value is None else value
        data[f"references-{i}-article"] = article.pk
    data.update(changes)
    return data


def test_saving_the_change_form_makes_one_revision(desk):
    client, editor = desk
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    body = article.body.replace("helps selected patients", "helps carefully selected patients")
    response = client.post(url, _form_data(article, body=body))
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.revision == 2
    assert article.revisions.get(number=2).created_by == editor


def test_saving_from_an_old_revision_is_refused_with_the_text_kept(desk):
    client, _ = desk
    article = make_article()
    url = reverse("admin:articles_article_change", args=[article.pk])
    client.post(url, _form_data(article, body=article.body + "\nFirst editor's addition.\n"))
    response = client.post(url, _form_data(article, body="Second editor's text [1][2].", expected_revision=1))
    assert response.status_code == 200
    page = response.content.decode()
    assert "you started from revision 1, it is now at revision 2" in page
    assert "Second editor&#x27;s text" in page
    article.refresh_from_db()
    assert article.revision == 2 and "First editor's addition." in article.body


def test_revisions_and_compare_pages(desk):
    client, _ = desk
    article = make_article()
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        _form_data(article, body=article.body.replace("walk again", "walk once more")),
    )
    listing = client.get(reverse("admin:articles_article_revisions", args=[article.pk])).content.decode()
    assert "Clarified the opening" in listing
    compare = client.get(reverse("admin:articles_article_compare", args=[article.pk]) + "?old=1&new=2")
    html = compare.content.decode()
    assert '<del class="diff-del">again' in html and '<ins class="diff-ins">once more' in html
    bad = client.get(reverse("admin:articles_article_compare", args=[article.pk]) + "?old=1&new=9", follow=True)
    assert "Revision 9 of this article does not exist" in bad.content.decode()


def test_history_revert_is_disabled(desk, settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


def test_articles_cannot_be_deleted_from_the_admin(admin_client):
    article = make_article()
    response = admin_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_adding_an_article_in_the_admin_writes_revision_one(desk):
    client, editor = desk
    data = {
        "title": "Bone marrow oedema", "slug": "bone-marrow-oedema", "summary": "", "body": "Rest helps [1].",
        "topic": "", "audience": "clinician", "variant_of": "", "next_review_due": "",
        "change_reason": "First draft", "expected_revision": "",
        "references-TOTAL_FORMS": 1, "references-INITIAL_FORMS": 0,
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
        "references-0-number": 1, "references-0-kind": "cohort", "references-0-title": "A cohort study",
        "references-0-source": "Skeletal Radiol", "references-0-year": 2009,
    }  # fmt: skip
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="bone-marrow-oedema")
    assert (article.author, article.revision, article.status) == (editor, 1, Article.Status.DRAFT)
    revision = article.revisions.get()
    assert revision.reason == "First draft" and revision.references[0]["title"] == "A cohort study"


def test_a_bad_reference_year_is_a_form_error_and_saves_nothing(desk):
    client, _ = desk
    article = make_article()
    data = _form_data(article, **{"references-0-year": "nineteen"})
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()
    assert article.revisions.count() == 1
