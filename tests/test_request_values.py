"""Every request value is parsed before use: the inputs the probe found, each a 4xx or a form error,
nothing written."""

import pytest
from django.urls import reverse

from articles.models import Article, Topic
from reviews.models import ReviewerProfile, TransitionLog
from tests.factories import make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
HUGE = "99999999999999999999"
BAD_IDS = ["abc", HUGE, "1\x00", "-1", "²", ""]


@pytest.fixture
def editor_client(client):
    client.force_login(make_user("values-editor", roles=["editor"]))
    return client


def _snapshot():
    return (Article.objects.count(), Article.history.count(), TransitionLog.objects.count(), Topic.objects.count())


CHANGELISTS = {
    "articles_article": ["q", "status", "topic__id__exact", "reviewer", "overdue", "rereview", "published",
                         "audience", "o", "p"],
    "reviews_transitionlog": ["q", "transition", "to_status", "at__year", "at__month", "at__day", "o", "p"],
    "reviews_reviewerprofile": ["q", "active__exact", "degree", "specialty", "o", "p"],
    "articles_publication": ["q", "provisional__exact", "published_at__year", "published_at__month", "o", "p"],
    "articles_articlerevision": ["q", "created_at__year", "created_at__month", "created_at__day", "o", "p"],
}  # fmt: skip


@pytest.mark.parametrize("value", [NUL, HUGE, "abc", "-1", "²", "1\x00"])
@pytest.mark.parametrize("changelist", list(CHANGELISTS))
def test_changelist_filters_and_search_never_fail(editor_client, changelist, value):
    make_article()
    url = reverse(f"admin:{changelist}_changelist")
    for name in CHANGELISTS[changelist]:
        response = editor_client.get(url, {name: value})
        assert response.status_code in (200, 302, 400), (name, value, response.status_code)
        if "\x00" in value:
            assert response.status_code == 400 and b"NUL byte" in response.content


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("action", ["archive_articles", "publish_approved", "assign_reviewer"])
def test_bulk_actions_refuse_malformed_ids(editor_client, action, value):
    make_article()
    before = _snapshot()
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": action, "_selected_action": [value], "index": "0", "apply": "1", "reason": "tidy"},
        follow=True,
    )
    assert response.status_code in (200, 400), response.status_code
    assert _snapshot() == before


def test_bulk_action_names_the_malformed_id(editor_client):
    make_article()
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "archive_articles", "_selected_action": ["abc"], "index": "0"},
        follow=True,
    )
    assert "Nothing was done: selected row: a whole number is needed" in response.content.decode()


@pytest.mark.parametrize("value", ["abc", HUGE, "1%00"])
def test_transition_url_with_a_malformed_id_changes_nothing(editor_client, value):
    before = _snapshot()
    response = editor_client.post(f"/admin/articles/article/{value}/transition/submit/", {"reason": "go"}, follow=True)
    # No transition matches: the admin's own answer for an unknown object (404, or "does not exist").
    assert response.status_code in (200, 400, 404)
    assert _snapshot() == before


def test_transition_reason_with_nul_is_refused(editor_client):
    article = make_article()
    url = reverse("admin:articles_article_transition", args=[article.pk, "submit"])
    response = editor_client.post(url, {"reason": NUL})
    assert response.status_code == 400 and b"'reason' contains a NUL byte" in response.content
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize(
    "data",
    [
        {"revision": HUGE, "decision": "approve"},
        {"revision": "abc", "decision": "approve"},
        {"revision": "1", "decision": "approve", "comments": NUL},
        {"revision": "1", "decision": "approve", "acknowledged": ["k\x00"]},
        {"revision": "-5", "decision": "nonsense"},
        {},
    ],
)
def test_reviewer_decision_post_with_bad_values(client, data):
    reviewer = make_reviewer("decider")
    article = make_article(status=Article.Status.UNDER_REVIEW)
    assignment = make_assignment(article=article, reviewer=reviewer)
    client.force_login(reviewer.user)
    before = (_snapshot(), assignment.reviews.count() if hasattr(assignment, "reviews") else 0)
    response = client.post(reverse("reviews:decide", args=[assignment.pk]), data)
    assert response.status_code in (200, 400), response.status_code
    assert (_snapshot(), assignment.reviews.count() if hasattr(assignment, "reviews") else 0) == before
    assignment.refresh_from_db()
    assert assignment.status == "accepted"


@pytest.mark.parametrize("value", ["abc", HUGE, "1\x00"])
def test_reviewer_decision_url_with_malformed_ids(client, value):
    reviewer = make_reviewer("decider2")
    client.force_login(reviewer.user)
    response = client.post(f"/review/assignments/{value}/decision/", {"decision": "approve"})
    assert response.status_code in (400, 404)


def _topic_form(**changes):
    data = {"name": "Haematology", "slug": "haematology", "description": "", "rereview_interval_days": "365",
            "required_approvals": "1"}  # fmt: skip
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_topic_add_without_required_specialties_is_saved_as_none_required(admin_client):
    response = admin_client.post(reverse("admin:articles_topic_add"), _topic_form())
    assert response.status_code == 302
    assert Topic.objects.get(slug="haematology").required_specialties == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["Card\\u0000iology"]', "may not contain a NUL character"),
        ('{"a": 1}', "Give a list of specialty names"),
        ("[1, 2]", "Give a list of specialty names"),
        ("not json", "Enter a valid JSON"),
    ],
)
def test_topic_specialties_refuse_nul_and_non_lists(admin_client, value, message):
    response = admin_client.post(reverse("admin:articles_topic_add"), _topic_form(required_specialties=value))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Topic.objects.filter(slug="haematology").exists()


def test_json_body_with_nul_escape_is_refused_before_any_view(client):
    response = client.post("/api/articles/", data='{"title": "x\\u0000"}', content_type="application/json")
    assert response.status_code == 400 and "NUL character" in response.json()["non_field_errors"][1]


@pytest.mark.parametrize("params", [{"old": "abc"}, {"old": HUGE, "new": "1"}, {"new": "-3"}, {"old": "1\x00"}])
def test_compare_with_bad_revision_numbers(editor_client, params):
    article = make_article()
    response = editor_client.get(reverse("admin:articles_article_compare", args=[article.pk]), params, follow=True)
    assert response.status_code in (200, 400)


def test_reviewer_profile_verify_action_with_bad_ids(editor_client):
    make_reviewer("unverified", verified=False)
    response = editor_client.post(
        reverse("admin:reviews_reviewerprofile_changelist"),
        {"action": "verify_credentials", "_selected_action": [HUGE], "index": "0"},
        follow=True,
    )
    assert response.status_code == 200
    assert ReviewerProfile.objects.filter(credentials_verified_at__isnull=True).count() == 1


def test_the_view_on_site_redirect_answers_404_for_an_id_its_model_cannot_hold(client, django_user_model):
    from django.contrib.contenttypes.models import ContentType

    staff = django_user_model.objects.create_user("shortcut-staff", password="x", is_staff=True)
    client.force_login(staff)
    uuid_keyed = next(ct for ct in ContentType.objects.all()
                      if ct.model_class() and ct.model_class()._meta.pk.get_internal_type() == "UUIDField")  # fmt: skip
    assert client.get(f"/admin/r/{uuid_keyed.pk}/not-a-uuid/").status_code == 404
    assert client.get(f"/admin/r/{uuid_keyed.pk}/00000000-0000-0000-0000-000000000000/").status_code == 404
    client.logout()
    assert client.get(f"/admin/r/{uuid_keyed.pk}/not-a-uuid/").status_code == 302  # to the sign-in page
