"""The integrators' JSON API: only what is live, the reader page's rules, 400/404/410, read-only, fixed queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from articles.models import Article, PublicationWithdrawal
from articles.revisions import Content, content_of
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import CLEAN_REFERENCES, make_article, make_publication, make_topic, make_user

S = Article.Status
PINNED = datetime(2026, 5, 29, 10, 30, tzinfo=UTC)
LIST_FIELDS = {
    "slug", "title", "summary", "audience", "topic", "status", "revision", "live_revision", "provisional",
    "published_at", "updated_at", "last_reviewed", "next_review_due", "reviewer_credits", "url",
}  # fmt: skip


def _live(**fields):
    article = make_article(status=S.APPROVED, **fields)
    make_publication(article=article)
    article.refresh_from_db()
    return article


@pytest.fixture
def live(db):
    return _live(summary="What helps when cancer presses on the spinal cord.", next_review_due=date(2027, 5, 1))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _list(client, **params):
    return client.get("/api/articles/", params)


def test_list_shows_live_articles_with_their_public_facts(client, live, settings):
    settings.SITE_URL = "https://health.example.org"
    make_article(title="A draft nobody published")
    response = _list(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    [item] = body["results"]
    assert set(item) == LIST_FIELDS
    publication = live.live_publication
    assert item == {
        "slug": live.slug,
        "title": live.title,
        "summary": "What helps when cancer presses on the spinal cord.",
        "audience": "clinician",
        "topic": {"name": "Oncology", "slug": "oncology"},
        "status": "approved",
        "revision": 1,
        "live_revision": 1,
        "provisional": False,
        "published_at": _iso(publication.published_at),
        "updated_at": _iso(live.updated_at),
        "last_reviewed": _iso(live.last_reviewed_at),  # a re-review after the pinned approval: see below
        "next_review_due": "2027-05-01",
        "reviewer_credits": [{"display": "Jane Doe, MD, Neuroradiology", "reviewed_at": "2026-05-29T10:30:00Z"}],
        "url": f"https://health.example.org/articles/{live.slug}/",
    }


def test_last_reviewed_is_the_later_of_the_pinned_credits_and_a_rereview_of_the_live_revision(client, live):
    # make_article(status=APPROVED) stamps last_reviewed_at now, after the credit pinned on 29 May 2026.
    [item] = _list(client).json()["results"]
    assert datetime.fromisoformat(item["last_reviewed"]) == live.last_reviewed_at
    Article.objects.filter(pk=live.pk).update(last_reviewed_at=PINNED - timedelta(days=30))
    [item] = _list(client).json()["results"]
    assert datetime.fromisoformat(item["last_reviewed"]) == PINNED
    assert datetime.fromisoformat(item["reviewer_credits"][0]["reviewed_at"]) == PINNED


def test_credits_show_the_public_credit_line_only(client, db):
    article = make_article(status=S.APPROVED)
    credits = [
        {
            "reviewer_id": 42,
            "display": "Ada Example, MD, Cardiology",
            "degree": "MD",
            "specialty": "Cardiology",
            "approved_at": PINNED.isoformat(),
        }
    ]
    make_publication(article=article, credits=credits)
    [item] = _list(client).json()["results"]
    assert item["reviewer_credits"] == [{"display": "Ada Example, MD, Cardiology", "reviewed_at": _iso(PINNED)}]
    detail = client.get(f"/api/articles/{article.slug}/").json()
    assert detail["reviewer_credits"] == item["reviewer_credits"]
    assert "reviewer_id" not in str(detail) and "Cardiology" not in detail["html"]


def test_provisional_publication_shows_no_credits_or_review_date(client, db):
    article = make_article(status=S.UNDER_REVIEW)
    make_publication(article=article, provisional=True)
    [item] = _list(client).json()["results"]
    assert (item["provisional"], item["status"], item["reviewer_credits"], item["last_reviewed"]) == (
        True,
        "under_review",
        [],
        None,
    )


def test_an_unpublished_revision_never_shows_only_its_number(client, live, editor):
    content = content_of(live)
    new = Content(title="A rewrite still in draft", summary="Unreviewed summary", body="Unreviewed body text.\n")
    workflow.edit(article=live, actor=editor, content=new, reason="rewrite", expected_revision=1)
    live.refresh_from_db()
    assert (live.revision, live.status) == (2, S.SUBMITTED)
    [item] = _list(client).json()["results"]
    assert (item["title"], item["summary"]) == (content.title, content.summary)
    assert (item["revision"], item["live_revision"], item["status"]) == (2, 1, "submitted")
    detail = client.get(f"/api/articles/{live.slug}/").json()
    assert detail["title"] == content.title and "Unreviewed" not in str(detail)
    assert [ref["number"] for ref in detail["references"]] == [1, 2]


def test_withdrawn_articles_leave_the_list(client, live, editor):
    publishing.unpublish(article=live, actor=editor, reason="evidence re-checked")
    assert _list(client).json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_list_filters_by_topic(client, db):
    cardiology = make_topic("Cardiology")
    heart = _live(topic=cardiology)
    _live()
    make_topic("Dermatology")
    assert [a["slug"] for a in _list(client, topic="cardiology").json()["results"]] == [heart.slug]
    assert _list(client, topic="dermatology").json()["count"] == 0
    assert _list(client).json()["count"] == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no-such-topic", "No topic has the slug “no-such-topic”."),
        ("not a slug!", 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'),
    ],
)
def test_bad_topic_is_a_400_naming_it(client, live, value, message):
    response = _list(client, topic=value)
    assert response.status_code == 400
    assert response.json() == {"topic": [message]}


def test_list_filters_by_updated_since(client, db):
    with time_machine.travel(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tick=False):
        old = _live()
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        new = _live()
    assert [a["slug"] for a in _list(client, updated_since="2026-02-01T00:00:00Z").json()["results"]] == [new.slug]
    assert _list(client, updated_since="2026-03-10T12:00:00+00:00").json()["count"] == 1  # at or after
    assert _list(client, updated_since="2026-03-10T12:00:01Z").json()["count"] == 0
    both = [a["slug"] for a in _list(client, updated_since="2026-01-01T00:00:00Z").json()["results"]]
    assert both == [new.slug, old.slug]  # most recently changed first


def test_null_character_in_a_filter_is_a_400(client, live):
    response = _list(client, topic="cardio\x00logy")
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.json()["topic"]


# An unencoded "+" in a query string arrives as a space: the message shows the expected format.
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01T00:00:00Z", "2026-05-01T10:00:00 00:00", "\x00"])
def test_bad_updated_since_is_a_400_with_a_message(client, live, value):
    response = _list(client, updated_since=value)
    assert response.status_code == 400
    [message] = response.json()["updated_since"]
    assert message.startswith("Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm")


def test_empty_filters_mean_no_filter(client, live):
    assert _list(client, topic="", updated_since="").json()["count"] == 1


def test_list_pages_hold_fifty(client, db):
    author = make_user("prolific", roles=["author"])
    for _ in range(51):
        _live(author=author)
    first = _list(client).json()
    assert (first["count"], len(first["results"])) == (51, 50)
    assert first["next"].endswith("/api/articles/?page=2")
    second = client.get(first["next"]).json()
    assert (len(second["results"]), second["next"]) == (1, None)
    assert {a["slug"] for a in first["results"]}.isdisjoint({a["slug"] for a in second["results"]})
    assert _list(client, page=3).status_code == 404


@pytest.mark.parametrize("n", [1, 30])
def test_list_page_costs_the_same_queries_whatever_the_number_of_articles(client, db, django_assert_max_num_queries, n):
    author = make_user("prolific", roles=["author"])
    for _ in range(n):
        _live(author=author)
    with django_assert_max_num_queries(2):  # count, then the page with publication, revision and topic joined
        assert _list(client).json()["count"] == n
    with django_assert_max_num_queries(3):  # plus the topic check
        assert _list(client, topic="oncology").json()["count"] == n


def test_detail_adds_references_and_sanitised_html(client, live, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(f"/api/articles/{live.slug}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == LIST_FIELDS | {"references", "html"}
    assert body["html"] == live.live_publication.rendered_html and "<script" not in body["html"]
    first = body["references"][0]
    assert first == {
        "number": 1,
        "kind": "rct",
        "authors": CLEAN_REFERENCES[0]["authors"],
        "title": CLEAN_REFERENCES[0]["title"],
        "source": "Lancet",
        "year": 2005,
        "details": "366(9486):643-8",
        "doi": "10.1016/s0140-6736(05)66954-1",
        "pmid": "16112300",
        "pmcid": "",
        "isbn": "",
        "issn": "",
        "url": "",
    }


def test_detail_html_is_the_sanitised_rendering(client, db):
    body = 'Safe text [1].\n\n<script>alert(1)</script> <a href="javascript:alert(1)">x</a>\n'
    article = make_article(status=S.APPROVED, body=body, references=CLEAN_REFERENCES[:1])
    make_publication(article=article)
    detail = client.get(f"/api/articles/{article.slug}/").json()
    assert "Safe text" in detail["html"]
    assert "<script" not in detail["html"] and '<a href="javascript:' not in detail["html"]
    assert "&lt;script&gt;" in detail["html"]  # shown as text, never as markup


def test_unknown_and_never_published_articles_are_404(client, db):
    draft = make_article()
    for slug in ("no-such-article", draft.slug):
        response = client.get(f"/api/articles/{slug}/")
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
    assert client.get(f"/api/articles/{draft.slug}/").json() == {"detail": "This article is not published."}


def test_withdrawn_article_is_410_with_json_and_back_when_republished(client, live, editor):
    publishing.unpublish(article=live, actor=editor, reason="evidence re-checked")
    assert PublicationWithdrawal.objects.filter(article=live).exists()
    response = client.get(f"/api/articles/{live.slug}/")
    assert response.status_code == 410
    assert response.json() == {"detail": "This article was withdrawn from the public site."}
    make_publication(article=live)
    assert client.get(f"/api/articles/{live.slug}/").status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_is_read_only_even_for_editors(client, live, editor, method):
    client.force_login(editor)
    for url in ("/api/articles/", f"/api/articles/{live.slug}/", "/api/schema/"):
        response = getattr(client, method)(url, {"title": "Changed"}, content_type="application/json")
        assert response.status_code == 405, url
    live.refresh_from_db()
    assert live.live_publication.title == live.title != "Changed"


def test_head_and_anonymous_get_are_allowed(client, live):
    assert client.head("/api/articles/").status_code == 200
    assert client.get(f"/api/articles/{live.slug}/").status_code == 200


def test_schema_generates_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    assert "/api/articles/{slug}/:" in text and "PaginatedArticleList" in text


def test_schema_endpoint_serves_openapi_and_there_is_no_cdn_docs_page(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/articles/", "/api/articles/{slug}/"} <= set(schema["paths"])
    assert client.get("/api/docs/").status_code == 404
