"""Authors see only their own articles in the admin: every custom URL answers 404 for another
author's article without revealing its state or revision numbers, and variant_of offers only
their own. The history pages answer 200, 403 or 404 for every role."""

import pytest
from django.urls import reverse

from articles.models import Article, SiteSettings
from reviews.models import TransitionLog
from tests.factories import make_article, make_reviewer, make_user

pytestmark = pytest.mark.django_db

POSTS = ["publish", "unpublish", "schedule", "cancel_schedule", "revert", "override"]
GETS = ["change", "revisions", "compare", "dossier", "history"]


def _staff_author(name):
    author = make_user(name, roles=["author"])
    author.is_staff = True  # authors use the admin for their own drafts
    author.save(update_fields=["is_staff"])
    return author


@pytest.fixture
def two_authors(client):
    mine_author, other_author = _staff_author("ada"), _staff_author("bea")
    mine = make_article(author=mine_author, title="Ada's own article")
    other = make_article(author=other_author, title="Bea's article", status=Article.Status.UNDER_REVIEW)
    client.force_login(mine_author)
    return client, mine, other


def _leaks(response, other) -> bool:
    text = response.content.decode()
    return "under_review" in text or "Under review" in text or "Bea&#x27;s article" in text or "revision 1" in text


@pytest.mark.parametrize("name", POSTS)
def test_post_urls_answer_404_for_another_authors_article(two_authors, name):
    client, _, other = two_authors
    data = {"reason": "mine now", "number": "1", "revision": "1", "publish_at": "2030-01-01T10:00", "keys": ["x"]}
    response = client.post(reverse(f"admin:articles_article_{name}", args=[other.pk]), data)
    assert response.status_code == 404 and not _leaks(response, other)
    assert not TransitionLog.objects.filter(article=other).exists()


@pytest.mark.parametrize("transition", ["submit", "start_review", "approve", "reject", "archive", "nonsense"])
def test_transition_urls_answer_404_for_another_authors_article(two_authors, transition):
    client, _, other = two_authors
    response = client.post(reverse("admin:articles_article_transition", args=[other.pk, transition]), {"reason": "x"})
    assert response.status_code == 404 and not _leaks(response, other)
    other.refresh_from_db()
    assert other.status == Article.Status.UNDER_REVIEW


@pytest.mark.parametrize("name", GETS)
def test_get_urls_answer_404_for_another_authors_article(two_authors, name):
    client, _, other = two_authors
    response = client.get(reverse(f"admin:articles_article_{name}", args=[other.pk]), {"old": 1, "new": 1})
    assert response.status_code in (302, 404) and not _leaks(response, other)
    if response.status_code == 302:  # the admin's change view: "doesn't exist", back to the index
        assert response["Location"] == reverse("admin:index")


def test_history_version_of_another_authors_article_is_404(two_authors):
    client, _, other = two_authors
    hid = other.history.first().history_id
    response = client.get(reverse("admin:articles_article_simple_history", args=[other.pk, hid]))
    assert response.status_code == 404 and not _leaks(response, other)


def test_variant_of_lists_only_own_articles_and_refuses_another_authors(two_authors):
    client, mine, other = two_authors
    url = reverse("admin:articles_article_change", args=[mine.pk])
    page = client.get(url)
    choices = page.context["adminform"].form.fields["variant_of"].queryset
    assert set(choices.values_list("pk", flat=True)) == {mine.pk}
    data = {
        "title": mine.title, "summary": mine.summary, "body": mine.body, "topic": mine.topic_id,
        "audience": "patient", "variant_of": other.pk, "next_review_due": "", "change_reason": "variant",
        "expected_revision": mine.revision, "expected_version": mine.version,
        "references-TOTAL_FORMS": 0, "references-INITIAL_FORMS": 0,
        "references-MIN_NUM_FORMS": 0, "references-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    mine.refresh_from_db()
    assert mine.variant_of_id is None and mine.audience == "clinician"


def _roles():
    editor = make_user("hist-editor", roles=["editor"])
    chief = make_user("hist-chief", roles=["editor-in-chief"])
    author = _staff_author("hist-author")
    reviewer = make_reviewer("hist-reviewer").user
    return {"editor": editor, "chief": chief, "author": author, "reviewer": reviewer, "anonymous": None}


def test_every_history_url_answers_200_403_or_404_for_every_role(client):
    users = _roles()
    article = make_article(author=users["author"])
    settings_row = SiteSettings.load()
    settings_row.disclaimer = "Read with your doctor."
    settings_row.save()
    urls = []
    for obj, prefix in ((article, "articles_article"), (settings_row, "articles_sitesettings")):
        urls.append(reverse(f"admin:{prefix}_history", args=[obj.pk]))
        urls += [reverse(f"admin:{prefix}_simple_history", args=[obj.pk, h.history_id]) for h in obj.history.all()]
        urls += [f"/admin/{prefix.replace('_', '/', 1)}/{obj.pk}/history/abc/",
                 f"/admin/{prefix.replace('_', '/', 1)}/{obj.pk}/history/99999999999999999999/"]  # fmt: skip
    urls.append("/admin/articles/article/abc/history/")
    urls.append("/admin/articles/article/99999999999999999999/history/")
    for role, user in users.items():
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            status = client.get(url).status_code
            allowed = (302,) if role in ("anonymous", "reviewer") else (200, 403, 404)
            assert status in allowed, (role, url, status)
    client.force_login(users["editor"])
    page = client.get(
        reverse("admin:articles_article_simple_history", args=[article.pk, article.history.first().history_id])
    )
    assert page.status_code == 200 and "Past versions are read-only" in page.content.decode()
    assert article.title in page.content.decode()
