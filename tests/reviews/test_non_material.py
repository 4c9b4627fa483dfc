"""Edits that keep an approval: the domain decides whether an edit is non-material."""

import json

import jsonschema
import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.models import NonMaterialClaim, ReviewAssignment, TransitionLog
from reviews.publishing import audit, dossier
from reviews.publishing import services as publishing
from reviews.workflow import materiality
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user
from tests.reviews.test_admin import _form_data

BODY = (
    "Decompressive surgery followed by radiotherapy helps selected patiens walk again [1].\n\n"
    "Give dexamethasone 16 mg daily while radiotherapy, the usual first treatment for most others, is "
    "arranged [2].\n\n"
    "Do not delay imaging when back pain is new in a person with cancer, and repeat the neurological "
    "examination every day until the scan is done.\n"
)


def _content(article, **changes) -> Content:
    content = content_of(article)
    return Content(
        title=changes.get("title", content.title), summary=changes.get("summary", content.summary),
        body=changes.get("body", content.body), references=changes.get("references", content.references),
    )  # fmt: skip


@pytest.fixture
def approved(db):
    """An approved, published article, its editor and the approving reviewer's assignment."""
    editor = make_user("nm-editor", roles=["editor"])
    reviewer = make_reviewer("nm-reviewer")
    article = make_article(status=Article.Status.UNDER_REVIEW, body=BODY)
    assignment = make_assignment(article=article, reviewer=reviewer)
    make_approval(assignment=assignment)
    article = workflow.approve(article=article, actor=reviewer.user)
    publishing.publish(article=article, actor=editor, reason="First publication")
    return Article.objects.get(pk=article.pk), editor, assignment


def test_a_typo_fix_keeps_the_approval_and_the_live_state_and_is_logged(approved):
    article, editor, assignment = approved
    live = article.live_publication_id
    article, revision = workflow.edit(
        article=article, actor=editor, content=_content(article, body=BODY.replace("patiens", "patients")),
        reason="Spelling", non_material="Fix the spelling of patients",
    )  # fmt: skip
    assert (article.status, article.revision, revision.number) == (Article.Status.APPROVED, 2, 2)
    assert article.live_publication_id == live
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.ACCEPTED  # unchanged, not stale
    claim = NonMaterialClaim.objects.get(article=article)
    assert (claim.accepted, claim.from_revision, claim.to_revision, claim.changed_words) == (True, 1, 2, 1)
    log = audit.transitions_for_audit(article=article.pk).first()
    assert (log.transition, log.from_status, log.to_status, log.revision) == (
        "non_material_edit", "approved", "approved", 2,
    )  # fmt: skip
    assert "keeps the approval of revision 1" in log.reason and "Fix the spelling" in log.reason
    assert not TransitionLog.objects.filter(article=article, transition="reopen").exists()


def test_a_non_material_revision_can_be_published_at_once_with_the_carried_credit(approved):
    article, editor, assignment = approved
    article, _ = workflow.edit(
        article=article, actor=editor, content=_content(article, body=BODY.replace("patiens", "patients")),
        reason="Spelling", non_material="Fix the spelling of patients",
    )  # fmt: skip
    publication = publishing.publish(
        article=article, actor=editor, reason="Corrected spelling", change_kind="update", change_reason="Spelling."
    )
    assert publication.revision.number == 2 and not publication.provisional
    [credit] = publication.reviewer_credits
    assert credit["display"] == assignment.reviewer.display_line
    assert credit["approved_revision"] == 1
    assert [(e["revision"], e["reason"]) for e in credit["non_material_edits"]] == [(2, "Fix the spelling of patients")]


def test_the_dossier_lists_non_material_edits_accepted_and_refused(approved):
    article, editor, _ = approved
    article, _ = workflow.edit(
        article=article, actor=editor, content=_content(article, body=BODY.replace("patiens", "patients")),
        reason="Spelling", non_material="Typo",
    )  # fmt: skip
    workflow.edit(
        article=article, actor=editor, content=_content(article, body=BODY.replace("16 mg", "8 mg")),
        reason="Dose", non_material="Only a small change",
    )  # fmt: skip
    data = json.loads(json.dumps(dossier.dossier_for_article(article=article)))
    jsonschema.validate(data, dossier.dossier_schema())
    edits = data["non_material_edits"]
    assert [(e["to_revision"], e["accepted"], e["actor"]) for e in edits] == [(2, True, "nm-editor"),
                                                                            (3, False, "nm-editor")]  # fmt: skip
    assert "a number changed" in edits[1]["refusal"]


REFUSED = {
    "dose": ("16 mg daily", "16 mg weekly", "a dose changed"),
    "number": ("16 mg", "12 mg", "a number changed (“16” → “12”)"),
    "unit": ("16 mg", "16 mcg", "a unit changed"),
    "drug name": ("dexamethasone", "prednisolone", "a drug name changed"),
    "negation": ("Do not delay", "Do delay", "a negation changed (“not” → “…”)"),
    "marker": ("arranged [2]", "arranged [1]", "a citation marker changed"),
}


@pytest.mark.parametrize("old,new,why", REFUSED.values(), ids=REFUSED.keys())
def test_a_material_change_is_refused_as_non_material_and_reopens(approved, old, new, why):
    article, editor, assignment = approved
    article, revision = workflow.edit(
        article=article, actor=editor, content=_content(article, body=BODY.replace(old, new)),
        reason="Correction", non_material="Small correction",
    )  # fmt: skip
    assert (article.status, revision.number) == (Article.Status.SUBMITTED, 2)
    claim = NonMaterialClaim.objects.get(article=article)
    assert not claim.accepted and why in claim.refusal
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.STALE
    reopen = TransitionLog.objects.get(article=article, transition="reopen")
    assert f"refused as non-material: {claim.refusal}" in reopen.reason


def test_a_changed_reference_is_refused_as_non_material(approved):
    article, editor, _ = approved
    refs = content_of(article).references
    refs[1] = {**refs[1], "year": 1999}
    article, _ = workflow.edit(
        article=article, actor=editor, content=_content(article, references=refs), reason="Year",
        non_material="Reference year",
    )  # fmt: skip
    assert article.status == Article.Status.SUBMITTED
    assert NonMaterialClaim.objects.get(article=article).refusal == "the references changed"


def test_too_many_changed_words_are_refused(approved, settings):
    settings.NON_MATERIAL_MAX_CHANGED_WORDS = 2
    article, editor, _ = approved
    body = BODY.replace("helps selected patiens walk", "lets chosen people stroll")
    article, _ = workflow.edit(
        article=article, actor=editor, content=_content(article, body=body), reason="Style", non_material="Style"
    )
    assert article.status == Article.Status.SUBMITTED
    assert "4 words changed; a non-material edit changes at most 2" in NonMaterialClaim.objects.get().refusal


def test_an_article_not_approved_has_no_approval_to_keep(db):
    editor = make_user("nm-editor2", roles=["editor"])
    article = make_article(status=Article.Status.SUBMITTED, body=BODY)
    article, _ = workflow.edit(
        article=article, actor=editor, content=_content(article, body=BODY.replace("patiens", "patients")),
        reason="Spelling", non_material="Typo",
    )  # fmt: skip
    assert (
        "only an approved article keeps its approval; this one is submitted" in NonMaterialClaim.objects.get().refusal
    )


def test_the_change_form_passes_the_claim_and_says_what_the_domain_decided(approved, client):
    article, editor, _ = approved
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = _form_data(article, body=BODY.replace("patiens", "patients"), non_material_reason="Typo in patients")
    response = client.post(url, data, follow=True)
    assert "revision 2 keeps the approval" in response.content.decode()
    article.refresh_from_db()
    assert (article.status, article.revision) == (Article.Status.APPROVED, 2)
    data = _form_data(article, body=article.body.replace("16 mg", "18 mg"), non_material_reason="Tiny")
    response = client.post(url, data, follow=True)
    assert "Refused as non-material, saved as an ordinary edit: a number changed" in response.content.decode()
    article.refresh_from_db()
    assert (article.status, article.revision) == (Article.Status.SUBMITTED, 3)


# Property: any edit that touches a number is never accepted as non-material.
WORDS = st.sampled_from(
    ["the", "patient", "should", "take", "it", "with", "food", "after", "each", "meal", "and", "rest"]
)
NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10_000).map(str),
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False).map(str),
    st.sampled_from(["½", "²", "1st", "10mg", "5/325"]),
)


@st.composite
def edits_touching_a_number(draw):
    words = draw(st.lists(WORDS, min_size=5, max_size=60))
    at = draw(st.integers(min_value=0, max_value=len(words)))
    number = draw(NUMBERS)
    old = [*words[:at], number, *words[at:]]
    kind = draw(st.sampled_from(["replace", "delete", "insert"]))
    if kind == "replace":
        other = draw(NUMBERS.filter(lambda n: n != number))
        new = [*words[:at], other, *words[at:]]
    elif kind == "delete":
        new = list(words)
    else:
        new, old = old, list(words)
    return " ".join(old), " ".join(new)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits_touching_a_number())
def test_property_an_edit_touching_a_number_is_never_non_material(pair):
    old, new = pair
    assessment = materiality.assess(old=Content(title="T", body=old), new=Content(title="T", body=new))
    assert not assessment.accepted
    assert any(p.startswith("a number changed") for p in assessment.problems)
