"""The write API honours the article's version as the admin form does: the ETag is "<revision>.<version>",
If-Match with it refuses a save after any change to the article (412 naming what changed), and an update
may claim to be non-material, decided by the same domain rule as the desk's."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from articles.models import Article, ArticleRevision
from reviews.api.serializers import article_input_from_json
from reviews.api.tokens import token_create
from reviews.models import NonMaterialClaim
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import CLEAN_REFERENCES, make_approval, make_article, make_assignment, make_reviewer, make_user

S = Article.Status
BODY = (
    "Decompressive surgery followed by radiotherapy helps selected patiens walk again [1].\n\n"
    "Give dexamethasone 16 mg daily while radiotherapy, the usual first treatment for most others, is "
    "arranged [2].\n\n"
    "Do not delay imaging when back pain is new in a person with cancer, and repeat the neurological "
    "examination every day until the scan is done.\n"
)

FIELDS = ("kind", "authors", "title", "source", "year", "details", "doi", "pmid")
# The references as the API takes them, and as it stores them (so an update that resends them changes none).
REFERENCES = [{name: ref[name] for name in FIELDS if name in ref} for ref in CLEAN_REFERENCES]
STORED = article_input_from_json({"title": "t", "references": REFERENCES})["content"].references


def _article(**fields) -> Article:
    return make_article(body=BODY, references=STORED, **fields)


def _auth(user) -> dict:
    clear = token_create(owner=user, actor=user, name="test", scopes=["read", "submit"]).clear
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def _put(client, article, auth, etag, **fields):
    data = client.get(f"/api/desk/articles/{article.pk}/", **auth).json()
    body = {"title": data["title"], "summary": data["summary"], "body": data["body"], "references": REFERENCES}
    body.update(fields)
    return client.put(
        f"/api/desk/articles/{article.pk}/", json.dumps(body), content_type="application/json",
        HTTP_IF_MATCH=etag, **auth,
    )  # fmt: skip


@pytest.mark.django_db
def test_a_step_since_the_read_refuses_the_save_with_the_whole_etag_naming_what_changed(client, editor):
    article = _article()
    auth = _auth(editor)
    read = client.get(f"/api/desk/articles/{article.pk}/", **auth)
    assert read["ETag"] == '"1.1"'
    workflow.submit(article=article, actor=editor, reason="Ready")  # same revision, a newer version

    stale = _put(client, article, auth, read["ETag"], body=BODY + "\nOne more line.\n")
    assert stale.status_code == 412 and stale.json()["code"] == "stale_version"
    assert "version 1 → 2" in stale.json()["detail"] and "status changed (submit: Ready)" in stale.json()["detail"]
    assert (
        Article.objects.get(pk=article.pk).revision == 1
        and ArticleRevision.objects.filter(article=article).count() == 1
    )

    current = client.get(f"/api/desk/articles/{article.pk}/", **auth)["ETag"]
    saved = _put(client, article, auth, current, body=BODY + "\nOne more line.\n")
    assert saved.status_code == 200 and saved.json()["revision"] == 2 and saved["ETag"] == '"2.3"'


@pytest.mark.django_db
def test_a_revision_alone_still_guards_against_a_newer_revision(client, editor):
    article = _article()
    auth = _auth(editor)
    workflow.submit(article=article, actor=editor, reason="Ready")
    assert _put(client, article, auth, '"1"', body=BODY + "\nMore.\n").status_code == 200
    assert _put(client, article, auth, '"1"', body=BODY + "\nOther.\n").json()["code"] == "stale_revision"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ['"1.x"', '"1."', '".1"', '"1.2.3"', '"1.' + "9" * 10 + '"'])
def test_a_malformed_if_match_is_400(client, editor, header):
    article = _article()
    response = _put(client, article, _auth(editor), header, body=BODY + "\nMore.\n")
    assert response.status_code == 400 and "If-Match" in response.json()
    assert Article.objects.get(pk=article.pk).revision == 1


@pytest.fixture
def live(db):
    editor = make_user("api-nm-editor", roles=["editor"])
    reviewer = make_reviewer("api-nm-reviewer")
    article = _article(status=S.UNDER_REVIEW)
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    article = workflow.approve(article=article, actor=reviewer.user)
    publishing.publish(article=article, actor=editor, reason="First publication")
    return Article.objects.get(pk=article.pk), editor


def test_a_non_material_update_through_the_api_keeps_the_approval(client, live):
    article, editor = live
    auth = _auth(editor)
    etag = client.get(f"/api/desk/articles/{article.pk}/", **auth)["ETag"]
    response = _put(client, article, auth, etag, body=BODY.replace("patiens", "patients"),
                    non_material_reason="Fix the spelling of patients")  # fmt: skip
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status"], data["revision"], data["non_material"]) == (
        "approved",
        2,
        {"accepted": True, "refusal": ""},
    )
    assert Article.objects.get(pk=article.pk).live_publication_id == article.live_publication_id
    assert NonMaterialClaim.objects.get().reason == "Fix the spelling of patients"


def test_a_material_change_claimed_non_material_is_refused_and_reopens(client, live):
    article, editor = live
    auth = _auth(editor)
    etag = client.get(f"/api/desk/articles/{article.pk}/", **auth)["ETag"]
    response = _put(client, article, auth, etag, body=BODY.replace("16 mg", "24 mg"),
                    non_material_reason="Just a number")  # fmt: skip
    data = response.json()
    assert response.status_code == 200 and data["status"] == "submitted" and data["non_material"]["accepted"] is False
    assert "24" in data["non_material"]["refusal"] or "number" in data["non_material"]["refusal"]


def test_a_non_material_reason_on_two_lines_is_400_and_nothing_is_saved(client, live):
    article, editor = live
    auth = _auth(editor)
    etag = client.get(f"/api/desk/articles/{article.pk}/", **auth)["ETag"]
    response = _put(client, article, auth, etag, body=BODY.replace("patiens", "patients"),
                    non_material_reason="Spelling\nonly")  # fmt: skip
    assert response.status_code == 400 and "non_material_reason" in response.json()
    assert Article.objects.get(pk=article.pk).revision == 1 and not NonMaterialClaim.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_api_updates_one_is_refused_and_both_texts_are_kept():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editor, other = make_user("api-race-a", roles=["editor"]), make_user("api-race-b", roles=["editor"])
    article = _article()
    texts = {"a": BODY + "\nFirst editor's note.\n", "b": BODY + "\nSecond editor's note.\n"}
    auths = {"a": _auth(editor), "b": _auth(other)}
    etag = Client().get(f"/api/desk/articles/{article.pk}/", **auths["a"])["ETag"]
    start, answers = threading.Barrier(2), {}

    def save(key):
        try:
            start.wait(5)
            answers[key] = _put(Client(), article, auths[key], etag, body=texts[key])
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(key,)) for key in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [200, 412], {key: answer.content for key, answer in answers.items()}
    won = next(key for key, answer in answers.items() if answer.status_code == 200)
    lost = next(key for key in texts if key != won)
    assert answers[lost].json()["code"] == "stale_revision"
    assert Article.objects.get(pk=article.pk).body == texts[won]  # the refused save overwrote nothing

    # The refused editor re-reads and saves again: both texts are in the article's revisions.
    fresh = Client().get(f"/api/desk/articles/{article.pk}/", **auths[lost])["ETag"]
    assert _put(Client(), article, auths[lost], fresh, body=texts[lost]).status_code == 200
    bodies = list(ArticleRevision.objects.filter(article=article).order_by("number").values_list("body", flat=True))
    assert bodies == [BODY, texts[won], texts[lost]]


def test_a_file_update_carries_its_non_material_claim_beside_the_file(client, live):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    article, editor = live
    auth = _auth(editor)
    etag = client.get(f"/api/desk/articles/{article.pk}/", **auth)["ETag"]
    text = f"---\ntitle: {article.title}\n---\n{BODY.replace('patiens', 'patients')}"
    path = f"/api/desk/articles/{article.pk}/"

    def send(reason):
        upload = SimpleUploadedFile("a.md", text.encode(), content_type="text/markdown")
        data = encode_multipart(BOUNDARY, {"file": upload, "non_material_reason": reason})
        return client.put(path, data, content_type=MULTIPART_CONTENT, HTTP_IF_MATCH=etag, **auth)

    refused = send("Spelling\x07")
    assert refused.status_code == 400 and "non_material_reason" in refused.json()
    assert Article.objects.get(pk=article.pk).revision == 1
    answered = send("Fix the spelling of patients")
    assert answered.status_code == 200, answered.content
    assert NonMaterialClaim.objects.get().reason == "Fix the spelling of patients"
    assert set(answered.json()["non_material"]) == {"accepted", "refusal"}
