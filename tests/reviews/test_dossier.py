"""The compliance dossier: everything about one article, valid against the schema kept in the repo."""

import json

import jsonschema
import pytest
from django.urls import reverse

from articles.revisions import Content, content_of
from reviews.publishing import dossier
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, take_through_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_rounds(editor):
    """An article reviewed, published, edited, reviewed again by someone else, and published again."""
    first, second = (
        make_reviewer("dr-first", specialty="Neurosurgery"),
        make_reviewer("dr-second", specialty="Oncology"),
    )
    article = take_through_review(make_article(), editor=editor, reviewer=first)
    publishing.publish(article=article, actor=editor, reason="First publication")
    first.specialty = "Spinal Surgery"  # credentials change after the first round
    first._change_reason = "board certification updated"
    first.save()
    content = content_of(article)
    body = content.body.replace("the usual first treatment", "the standard initial treatment")
    references = [content.references[0], {**content.references[1], "details": "16(4):1613-1624"}]
    article, _ = workflow.edit(
        article=article, actor=editor, reason="Updated wording after guideline review",
        content=Content(title=content.title, summary=content.summary, body=body, references=references),
    )  # fmt: skip
    article = take_through_review(article, editor=editor, reviewer=second)
    publishing.publish(
        article=article, actor=editor, reason="Second publication",
        change_kind="update", change_reason="Wording brought in line with the guideline.",
    )  # fmt: skip
    return article, first, second


def test_dossier_holds_two_rounds_and_two_publications_and_validates(two_rounds):
    article, first, second = two_rounds
    data = dossier.dossier_for_article(article=article)
    jsonschema.validate(json.loads(json.dumps(data)), dossier.dossier_schema())

    revisions = data["revisions"]
    assert [r["number"] for r in revisions] == [1, 2]
    assert revisions[0]["diff_from_previous"] is None
    diff = revisions[1]["diff_from_previous"]
    assert {"op": "insert", "text": "standard initial"} in diff["body"]
    assert {"op": "delete", "text": "usual first"} in diff["body"]
    assert [(c["number"], c["fields"]) for c in diff["references"]["changed"]] == [(2, ["details"])]
    assert all(r["validation_reports"] for r in revisions)  # each revision's report is in
    assert revisions[1]["reason"] == "Updated wording after guideline review"

    by_reviewer = {a["reviewer_id"]: a for a in data["assignments"] if a["decision"] or a["status"] != "invited"}
    assert by_reviewer[first.pk]["credentials_at_assignment"]["specialty"] == "Neurosurgery"  # as it stood then
    assert by_reviewer[second.pk]["credentials_at_assignment"]["specialty"] == "Oncology"
    decisions = [
        (d["reviewer_id"], d["revision"], d["decision"], d["credentials"]["specialty"]) for d in data["decisions"]
    ]
    assert decisions == [(first.pk, 1, "approve", "Neurosurgery"), (second.pk, 2, "approve", "Oncology")]
    assert {r["id"]: r["specialty"] for r in data["reviewers"]}[first.pk] == "Spinal Surgery"  # today's record

    publications = data["publications"]
    assert [(p["revision"], p["reason"]) for p in publications] == [(1, "First publication"), (2, "Second publication")]
    assert publications[0]["reviewer_credits"][0]["display"] == "Dr-First Example, MD, Neurosurgery"
    assert data["article"]["live_publication_id"] == publications[1]["id"]
    steps = [t["transition"] for t in data["transitions"]]
    assert steps.count("approve") == 2 and steps.count("publish") == 2 and "reopen" in steps


def test_schema_rejects_a_dossier_missing_its_publications(two_rounds):
    article, _, _ = two_rounds
    data = json.loads(json.dumps(dossier.dossier_for_article(article=article)))
    del data["publications"]
    with pytest.raises(jsonschema.ValidationError, match="'publications' is a required property"):
        jsonschema.validate(data, dossier.dossier_schema())


def test_dossier_json_download_and_printable_page(client, editor, two_rounds):
    article, _, _ = two_rounds
    client.force_login(editor)
    url = reverse("admin:articles_article_dossier", args=[article.pk])
    download = client.get(url + "?format=json")
    assert download["Content-Disposition"] == f'attachment; filename="dossier-{article.slug}.json"'
    jsonschema.validate(download.json(), dossier.dossier_schema())
    html = client.get(url).content.decode()
    assert "Revision 2:" in html and '<ins class="diff-ins">standard initial</ins>' in html
    assert "Dr-First Example, MD, Neurosurgery" in html and "Second publication" in html
    assert "@media print" in html
