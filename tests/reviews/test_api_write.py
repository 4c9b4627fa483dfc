"""The write API: articles from files or JSON, the workflow and publishing steps, If-Match, JSON errors,
and the permission matrix checked against the admin's answers for the same users."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from reviews import permissions as perms
from reviews.api.tokens import token_create
from reviews.models import ReviewAssignment
from reviews.workflow import transitions as workflow
from tests.factories import force_status, make_article, make_reviewer, make_topic, make_user, take_through_review

pytestmark = pytest.mark.django_db
ALL_SCOPES = ["read", "submit", "review-desk", "publish"]

MARKDOWN = """---
title: Treating spinal cord compression caused by cancer
topic: Oncology
audience: clinician
---
Radiotherapy is the usual first treatment for most patients [1].

## References
1. [Guideline] Loblaw DA, Laperriere NJ. Emergency treatment of malignant extradural spinal cord compression. J Clin Oncol. 1998;16(4):1613-24. PMID: 9552073
"""  # noqa: E501


def bearer(user, scopes=ALL_SCOPES) -> dict:
    clear = token_create(owner=user, actor=user, name="test", scopes=scopes).clear
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def post(client, path, auth, data=None, *, revision=None):
    headers = dict(auth)
    if revision is not None:
        headers["HTTP_IF_MATCH"] = f'"{revision}"'
    return client.post(path, json.dumps(data or {}), content_type="application/json", **headers)


def test_create_from_markdown_then_read_report_and_submit(client, author, django_capture_on_commit_callbacks):
    make_topic("Oncology")
    auth = bearer(author)
    with django_capture_on_commit_callbacks(execute=True):  # validation runs as a task after commit
        response = client.post("/api/desk/articles/", MARKDOWN, content_type="text/markdown", **auth)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["revision"], data["topic"]) == ("draft", 1, "oncology")
    assert response["ETag"] == '"1.1"' and "submit" in data["available_transitions"]
    article = Article.objects.get(pk=data["id"])
    assert article.author == author and article.references.count() == 1

    report = client.get(f"/api/desk/articles/{article.pk}/report/", **auth)
    assert report.status_code == 200 and report.json()["revision"] == 1
    assert {"errors", "warnings", "findings"} <= set(report.json())

    submitted = post(client, f"/api/desk/articles/{article.pk}/submit/", auth, revision=1)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert article.transitions.get().actor == author


def test_create_from_json_and_a_multipart_file(client, editor):
    make_topic("Oncology")
    auth = bearer(editor)
    reference = {"kind": "guideline", "title": "A guideline", "source": "J Clin Oncol", "year": 1998}
    body = {
        "title": "Dexamethasone",
        "body": "Sixteen mg a day is usual [1].\n",
        "topic": "oncology",
        "references": [reference],
    }
    response = post(client, "/api/desk/articles/", auth, body)
    assert response.status_code == 201, response.content
    assert Article.objects.get(pk=response.json()["id"]).references.get().kind == "guideline"

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.md", MARKDOWN.encode(), content_type="text/markdown")
    response = client.post("/api/desk/articles/", {"file": upload}, **auth)
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        ("---\ntopic: Oncology\n---\nbody\n", "file", "line"),
        ("---\ntitle: T\ntopic: Astrology\n---\nx [1]\n", "topic", "Astrology"),
    ],
)
def test_bad_files_are_400_naming_what_is_wrong_and_save_nothing(client, author, text, field, fragment):
    response = client.post("/api/desk/articles/", text, content_type="text/markdown", **bearer(author))
    assert response.status_code == 400
    assert fragment in json.dumps(response.json()[field])
    assert not Article.objects.exists()


def test_update_needs_if_match_and_a_stale_revision_is_412(client, author):
    article = make_article(author=author)
    auth = bearer(author)
    path = f"/api/desk/articles/{article.pk}/"
    changed = MARKDOWN.replace("topic: Oncology\n", "")
    assert client.put(path, changed, content_type="text/markdown", **auth).status_code == 428
    ok = client.put(path, changed, content_type="text/markdown", HTTP_IF_MATCH='"1"', **auth)
    assert ok.status_code == 200 and ok["ETag"] == '"2.2"'
    stale = client.put(
        path, changed.replace("most patients", "most adults"), content_type="text/markdown", HTTP_IF_MATCH='"1"', **auth
    )
    assert stale.status_code == 412
    assert "revision 1" in stale.json()["detail"] and stale.json()["code"] == "stale_revision"
    article.refresh_from_db()
    assert article.revision == 2
    assert post(client, f"{path}submit/", auth, revision=1).status_code == 412
    article.refresh_from_db()
    assert article.status == "draft"


def test_domain_errors_are_json_with_the_domains_message(client, editor):
    article = make_article(status="under_review")
    response = post(client, f"/api/desk/articles/{article.pk}/submit/", bearer(editor), revision=1)
    assert response.status_code == 409
    assert response.json() == {
        "detail": "Cannot submit from “under review”: it is only possible from changes requested, draft",
        "code": "transition_not_allowed",
    }
    response = post(client, f"/api/desk/articles/{article.pk}/unpublish/", bearer(editor), {"reason": ""}, revision=1)
    assert response.status_code == 409 and "a reason is required" in response.json()["detail"]


def test_assign_and_schedule_through_the_api(client, editor):
    article = make_article(status="submitted")
    reviewer = make_reviewer("drsmith")
    due = (timezone.now() + timedelta(days=10)).isoformat()
    response = post(client, f"/api/desk/articles/{article.pk}/assignments/", bearer(editor),
                    {"reviewers": [reviewer.pk], "due_at": due}, revision=1)  # fmt: skip
    assert response.status_code == 201, response.content
    assert ReviewAssignment.objects.get().reviewer == reviewer
    missing = post(client, f"/api/desk/articles/{article.pk}/assignments/", bearer(editor),
                   {"reviewers": [999999], "due_at": due}, revision=1)  # fmt: skip
    assert missing.status_code == 400 and "999999" in missing.json()["detail"]


# The permission matrix: the same users ask the admin and the API for the same step on twin articles.

ROLES = ("own author", "other author", "editor", "chief", "reviewer")


def _actor(role, owner):
    if role == "own author":
        return owner
    users = {
        "other author": ("someone", ["author"]),
        "editor": ("ed", ["editor"]),
        "chief": ("boss", ["editor-in-chief"]),
    }
    if role == "reviewer":
        return make_reviewer("drjones").user
    name, roles = users[role]
    user = make_user(name, roles=roles)
    user.is_staff = True  # authors use the admin too
    user.save(update_fields=["is_staff"])
    return user


def _twins(step, owner, setup_editor, board):
    out = []
    for _ in range(2):
        article = make_article(author=owner)
        if step in ("publish", "unpublish"):
            article = take_through_review(article, editor=setup_editor, reviewer=board)
        if step == "unpublish":
            from reviews.publishing import services as publishing

            publishing.publish(article=article, actor=setup_editor, reason="first")
        out.append(Article.objects.get(pk=article.pk))
    return out


def _effect(step, article) -> bool:
    fresh = Article.objects.get(pk=article.pk)
    return {"submit": fresh.status == "submitted", "publish": fresh.live_publication_id is not None,
            "unpublish": fresh.live_publication_id is None}[step]  # fmt: skip


_ADMIN = {
    "submit": ("/admin/articles/article/{pk}/transition/submit/", {"reason": "ready"}),
    "publish": ("/admin/articles/article/{pk}/publish/", {"reason": "ready"}),
    "unpublish": ("/admin/articles/article/{pk}/unpublish/", {"reason": "error found"}),
}


@pytest.mark.parametrize("step", ["submit", "publish", "unpublish"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_matches_the_admin(client, step, role):
    owner = make_user("owner", roles=["author"], is_staff=True)
    setup_editor = make_user("setup-editor", roles=["editor"])
    by_admin, by_api = _twins(step, owner, setup_editor, make_reviewer("board"))
    actor = _actor(role, owner)

    client.force_login(actor)
    url, form = _ADMIN[step]
    client.post(url.format(pk=by_admin.pk), form)
    admin_did = _effect(step, by_admin)
    client.logout()

    response = post(client, f"/api/desk/articles/{by_api.pk}/{step}/", bearer(actor), form, revision=by_api.revision)
    api_did = _effect(step, by_api)
    assert api_did == admin_did, (role, step, response.status_code, response.content)
    assert (200 <= response.status_code < 300) == api_did
    if not api_did:
        assert response.status_code in (403, 404), response.content
    # and both agree with the domain's own answer
    domain = {
        "submit": lambda: "submit" in [n for n, _ in workflow.available_transitions(article=by_admin, user=actor)]
    }
    if step in domain:
        assert admin_did == domain[step]()
    else:
        assert admin_did == perms.is_editor(actor)


@pytest.mark.parametrize("role", ROLES)
def test_matrix_create_update_and_assign_follow_the_admins_predicates(client, role):
    owner = make_user("owner", roles=["author"], is_staff=True)
    actor = _actor(role, owner)
    auth = bearer(actor)
    created = client.post("/api/desk/articles/", MARKDOWN.replace("topic: Oncology\n", ""),
                          content_type="text/markdown", **auth)  # fmt: skip
    assert (created.status_code == 201) == actor.has_perm("articles.add_article")  # the admin's add permission

    article = make_article(author=owner)
    edited = client.put(f"/api/desk/articles/{article.pk}/", MARKDOWN.replace("topic: Oncology\n", ""),
                        content_type="text/markdown", HTTP_IF_MATCH='"1"', **auth)  # fmt: skip
    may_edit = perms.can_view_article(actor, article) and perms.can_edit_content(actor, article)
    assert (edited.status_code == 200) == may_edit, edited.content

    submitted = force_status(make_article(author=owner), "submitted")
    board = make_reviewer("assignable")
    due = (timezone.now() + timedelta(days=7)).isoformat()
    client.force_login(actor)
    client.post(f"/review/desk/articles/{submitted.pk}/assign/", {"reviewers": [board.pk], "due_on": due[:10]})
    client.logout()
    admin_did = ReviewAssignment.objects.filter(article=submitted).exists()
    twin = force_status(make_article(author=owner), "submitted")
    response = post(client, f"/api/desk/articles/{twin.pk}/assignments/", auth,
                    {"reviewers": [board.pk], "due_at": due}, revision=1)  # fmt: skip
    assert (response.status_code == 201) == admin_did == perms.is_editor(actor), response.content
