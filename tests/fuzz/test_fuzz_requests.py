"""Generated values into every form and query parameter of every URL, as every role.

Each group of URLs shares one database setup; hypothesis (derandomised, so every run sends the
same requests) draws the role, the URL, the parameter names and the values: NUL bytes, huge and
negative integers, non-numeric ids, unicode, long strings, empty values. Every answer must be
below 500, and a request that was refused (anything but a redirect after a POST) must leave every
row count as it was. The groups send at least 2,000 requests together (asserted per group;
FUZZ_EXAMPLES raises or lowers the count per group).
"""

import os
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import (
    Article,
    ArticleRevision,
    Publication,
    PublicationWithdrawal,
    Reference,
    ScheduledPublication,
    SiteSettings,
    Topic,
)
from reviews.comments import services as comments
from reviews.models import (
    Comment,
    CommentThread,
    Review,
    ReviewAssignment,
    ReviewerProfile,
    TransitionLog,
    ValidationOverride,
)
from tests.factories import make_approval, make_article, make_assignment, make_publication, make_reviewer, make_user

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

FIXED = ["", "\x00", "a\x00b", "1\x00", "abc", "-1", "0", "1", "2", "99999999999999999999", "9" * 40, "²", "١٢",
         "2026-02-30", "2026-13-01", "1e9", "0x1f", "null", "[]", "{}", '["\\u0000"]', "<script>alert(1)</script>",
         "\u202etxt", "' OR 1=1 --", "%00", "../../etc/passwd", "yes", "on", "true", "2030-01-01T10:00"]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(FIXED),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=20),
    st.text(alphabet="a\x00é😀 \n", min_size=200, max_size=1500),
)
ROLES = ("editor", "chief", "author", "reviewer", "anonymous")
COUNTED = (Article, Article.history.model, Reference, ArticleRevision, Publication, PublicationWithdrawal,
           ScheduledPublication, Topic, TransitionLog, ReviewAssignment, Review, ReviewerProfile,
           ValidationOverride, SiteSettings.history.model, CommentThread, Comment)  # fmt: skip
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "225"))  # per group; ten groups: 2,250 requests


def _counts() -> tuple[int, ...]:
    """Every counted table's row count, in one query."""
    sql = ", ".join(f'(SELECT count(*) FROM "{model._meta.db_table}")' for model in COUNTED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}")
        return tuple(cursor.fetchone())


@pytest.fixture
def world():
    """One setup per group: each role's client, and articles in several states."""
    editor = make_user("fz-editor", roles=["editor"])
    chief = make_user("fz-chief", roles=["editor-in-chief"])
    author = make_user("fz-author", roles=["author"], is_staff=True)
    reviewer = make_reviewer("fz-reviewer")
    own = make_article(author=author, title="An author's own draft")
    review = make_article(status=Article.Status.UNDER_REVIEW)
    assignment = make_assignment(article=review, reviewer=reviewer)
    approved = make_article(status=Article.Status.APPROVED)
    make_approval(assignment=make_assignment(article=approved, reviewer=reviewer, status="submitted"))
    make_publication(article=approved)
    thread = comments.comment_start(article=review, actor=reviewer.user, revision=1, paragraph=1, quote="", body="?")
    SiteSettings.load()
    clients = {}
    for role, user in {"editor": editor, "chief": chief, "author": author, "reviewer": reviewer.user,
                       "anonymous": None}.items():  # fmt: skip
        clients[role] = Client(raise_request_exception=False)
        if user:
            clients[role].force_login(user)
    ids = [str(own.pk), str(review.pk), str(approved.pk)]
    return {"clients": clients, "ids": ids, "assignment": str(assignment.pk), "reviewer": str(reviewer.pk),
            "slugs": [approved.slug, own.slug], "history": str(own.history.first().history_id),
            "topic": str(own.topic_id), "thread": str(thread.pk)}  # fmt: skip


class Sender:
    """Sends one request, records any 5xx and any write left by a refused request."""

    def __init__(self, world):
        self.world, self.sent, self.failures = world, 0, []

    def __call__(self, role: str, method: str, url: str, data: dict):
        before = _counts()
        client = self.world["clients"][role]
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        self.sent += 1
        if response.status_code >= 500:
            self.failures.append((role, method, url, data, response.status_code))
        refused = method == "GET" or response.status_code != 302
        if refused and _counts() != before:
            self.failures.append((role, method, url, data, "wrote while refusing"))

    def check(self, at_least: int):
        assert not self.failures, self.failures[:5]
        assert self.sent >= at_least


def _run(world, build):
    """Hypothesis drives ``build(draw)`` → (method, url, data), once per example, for a random role."""
    send = Sender(world)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.data())
    def one(data):
        role = data.draw(st.sampled_from(ROLES))
        method, url, params = build(data.draw)
        send(role, method, url, params)

    one()
    send.check(EXAMPLES)


def _params(draw, names: list[str], *, many: int = 3) -> dict:
    chosen = draw(st.lists(st.sampled_from([*names, "zz-unknown"]), min_size=0, max_size=many, unique=True))
    out = {}
    for name in chosen:
        value = draw(VALUES)
        out[name] = [value, draw(VALUES)] if draw(st.booleans()) and name.startswith(("keys", "_selected")) else value
    return out


def _an_id(draw, world) -> str:
    return draw(st.one_of(st.sampled_from(world["ids"]), VALUES))


def _path(value: str) -> str:
    return quote(value, safe="")


CHANGELISTS = {
    "articles/article": ["q", "status__exact", "topic__id__exact", "reviewer", "overdue", "rereview", "published",
                         "audience__exact", "o", "p", "e", "all", "_changelist_filters"],
    "reviews/transitionlog": ["q", "transition__exact", "to_status__exact", "at__year", "at__month", "at__day", "o"],
    "reviews/reviewerprofile": ["q", "active__exact", "degree", "specialty", "o", "p"],
    "articles/publication": ["q", "provisional__exact", "published_at__year", "published_at__month", "o", "p"],
    "articles/articlerevision": ["q", "created_at__year", "created_at__month", "created_at__day", "o", "p"],
    "reviews/reviewassignment": ["q", "status__exact", "decision__exact", "o"],
    "reviews/review": ["decision__exact", "eligible__exact", "o"],
    "articles/topic": ["q", "o"], "articles/resolverlookup": ["q", "source__exact", "ok__exact"],
    "articles/scheduledpublication": ["status__exact"], "reviews/notification": ["q"],
    "articles/sitesettings": ["q"],
}  # fmt: skip


def test_fuzz_admin_change_lists_and_filters(world):
    def build(draw):
        model = draw(st.sampled_from(list(CHANGELISTS)))
        return "GET", f"/admin/{model}/", _params(draw, CHANGELISTS[model], many=4)

    _run(world, build)


def test_fuzz_admin_bulk_actions(world):
    def build(draw):
        model, actions = draw(st.sampled_from([
            ("articles/article", ["archive_articles", "publish_approved", "assign_reviewer", "delete_selected"]),
            ("reviews/reviewerprofile", ["verify_credentials", "delete_selected"]),
        ]))  # fmt: skip
        data = {
            "action": draw(st.one_of(st.sampled_from(actions), VALUES)),
            "index": draw(VALUES),
            "_selected_action": draw(st.lists(st.one_of(st.sampled_from(world["ids"]), VALUES), max_size=3)),
        }
        data.update(_params(draw, ["apply", "reason", "reviewers", "due_on", "override_reason", "select_across"]))
        return "POST", f"/admin/{model}/", data

    _run(world, build)


ARTICLE_POSTS = ["publish", "unpublish", "schedule", "cancel-schedule", "revert", "override", "transition/submit",
                 "transition/start_review", "transition/approve", "transition/reject", "transition/archive",
                 "transition/nonsense"]  # fmt: skip
POST_FIELDS = ["reason", "number", "revision", "publish_at", "provisional", "keys", "expected_revision"]


def test_fuzz_admin_article_buttons(world):
    def build(draw):
        name = draw(st.sampled_from(ARTICLE_POSTS))
        data = _params(draw, POST_FIELDS, many=4)
        return "POST", f"/admin/articles/article/{_path(_an_id(draw, world))}/{name}/", data

    _run(world, build)


def test_fuzz_admin_article_pages(world):
    def build(draw):
        page, names = draw(st.sampled_from([
            ("change/", ["_changelist_filters"]), ("revisions/", []), ("compare/", ["old", "new"]),
            ("dossier/", ["format"]), ("history/", ["p"]), (f"history/{world['history']}/", []),
        ]))  # fmt: skip
        if draw(st.booleans()):
            page = f"history/{_path(draw(VALUES))}/"
        return "GET", f"/admin/articles/article/{_path(_an_id(draw, world))}/{page}", _params(draw, names)

    _run(world, build)


AUDIT = ["article", "since", "until", "transition", "actor", "export", "step"]


def test_fuzz_admin_audit_desk_and_forms(world):
    article_form = [
        "title",
        "slug",
        "summary",
        "body",
        "topic",
        "audience",
        "variant_of",
        "next_review_due",
        "change_reason",
        "expected_revision",
        "expected_version",
        "references-TOTAL_FORMS",
        "references-INITIAL_FORMS",
        "references-0-number",
        "references-0-year",
        "references-0-url",
    ]
    topic_form = ["name", "slug", "description", "rereview_interval_days", "required_approvals",
                  "required_specialties"]  # fmt: skip

    def build(draw):
        kind = draw(st.sampled_from(["audit", "desk", "article", "add", "topic", "settings"]))
        if kind == "audit":
            return "GET", "/admin/articles/article/audit/", _params(draw, AUDIT, many=4)
        if kind == "desk":
            return "GET", "/admin/articles/article/desk/", _params(draw, ["p"])
        if kind == "topic":
            return "POST", "/admin/articles/topic/add/", _params(draw, topic_form, many=6)
        if kind == "settings":
            return (
                "POST",
                "/admin/articles/sitesettings/1/change/",
                _params(draw, ["allow_provisional_publishing", "disclaimer", "editorial_policy"]),
            )
        url = "/admin/articles/article/add/" if kind == "add" else f"/admin/articles/article/{world['ids'][0]}/change/"
        return "POST", url, _params(draw, article_form, many=8)

    _run(world, build)


def test_fuzz_reviewer_pages(world):
    def build(draw):
        page, fields = draw(st.sampled_from([
            ("", []), ("accept/", ["conflict", "conflict_statement"]), ("decline/", ["reason"]),
            ("decision/", ["revision", "decision", "comments", "acknowledged", "check_medical_accuracy"]),
        ]))  # fmt: skip
        target = draw(st.one_of(st.just(world["assignment"]), VALUES))
        method = "GET" if page == "" else "POST"
        pick = draw(st.integers(0, 5))
        if pick == 0:
            return "GET", f"/review/articles/{_path(_an_id(draw, world))}/decisions/", {}
        if pick == 1:  # the reviewer's consent to public credit
            verb = draw(st.sampled_from(["GET", "POST"]))
            return verb, "/review/credit/", _params(draw, ["consents_to_public_credit"])
        return method, f"/review/assignments/{_path(target)}/{page}", _params(draw, fields, many=5)

    _run(world, build)


def test_fuzz_comment_pages(world):
    def build(draw):
        step = draw(st.sampled_from(["", "reply/", "resolve/", "reopen/"]))
        fields = ["revision", "paragraph", "quote", "text"] if step == "" else ["text", "note"]
        if draw(st.booleans()):
            owner = f"/review/assignments/{_path(draw(st.one_of(st.just(world['assignment']), VALUES)))}/comments/"
        else:
            owner = f"/review/articles/{_path(_an_id(draw, world))}/comments/"
        thread = "" if step == "" else f"{_path(draw(st.one_of(st.just(world['thread']), VALUES)))}/"
        return draw(st.sampled_from(["GET", "POST", "POST"])), f"{owner}{thread}{step}", _params(draw, fields, many=4)

    _run(world, build)


def test_fuzz_desk_pages(world):
    def build(draw):
        kind = draw(st.sampled_from(["desk", "assign", "withdraw", "reassign", "clear-conflict"]))
        if kind == "desk":
            return "GET", "/review/desk/", _params(draw, ["reviewer", "status", "p", "q"])
        if kind == "assign":
            url = f"/review/desk/articles/{_path(_an_id(draw, world))}/assign/"
            fields = ["reviewers", "due_on", "override_reason"]
        else:
            url = f"/review/desk/assignments/{_path(draw(st.one_of(st.just(world['assignment']), VALUES)))}/{kind}/"
            fields = ["reason", "reviewer", "due_on"]
        return draw(st.sampled_from(["GET", "POST"])), url, _params(draw, fields, many=3)

    _run(world, build)


def test_fuzz_reader_pages_and_search(world):
    def build(draw):
        slug = draw(st.one_of(st.sampled_from(world["slugs"]), VALUES))
        url = draw(st.sampled_from([
            "/", "/search/", "/topics/", f"/topics/{_path(slug)}/", f"/articles/{_path(slug)}/",
            f"/articles/{world['slugs'][0]}/for/{_path(draw(VALUES))}/", "/sitemap.xml", "/editorial-policy/",
        ]))  # fmt: skip
        return "GET", url, _params(draw, ["q", "page", "p", "topic", "audience"])

    _run(world, build)


def test_fuzz_api(world):
    def build(draw):
        slug = draw(st.one_of(st.sampled_from(world["slugs"]), VALUES))
        url = draw(st.sampled_from(["/api/articles/", f"/api/articles/{_path(slug)}/", "/api/schema/"]))
        return "GET", url, _params(draw, ["topic", "updated_since", "page", "format", "cursor"], many=4)

    _run(world, build)
