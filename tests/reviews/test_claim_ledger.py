"""The claim-source ledger: marks per claim and cited reference, the gate, the topic's claim rule,
the signed review, the dossier and the next round."""

import json
from datetime import timedelta

import jsonschema
import pytest
from django.urls import reverse
from django.utils import timezone

from articles.claim_keys import cited_claims
from articles.models import Article
from articles.revisions import Content, content_of
from reviews.assignments import decisions
from reviews.assignments import services as assignments
from reviews.assignments.decisions import CHECKLIST, DecisionRefused, StaleRevision
from reviews.assignments.selectors import review_page
from reviews.exceptions import NotPermitted
from reviews.ledger import selectors as ledger
from reviews.ledger.models import ClaimCheck
from reviews.ledger.services import claim_marks_record
from reviews.models import Review, ReviewAssignment
from reviews.publishing import dossier
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from tests.factories import CLEAN_REFERENCES, TEST_PASSWORD, make_article, make_reviewer, make_topic

S = Article.Status
pytestmark = pytest.mark.django_db
ALL_CHECKED = {key: True for key, _label in CHECKLIST}
DOSE = "Dexamethasone 16 mg a day eases the pain of most patients [1]."
PLAIN = "Radiotherapy alone remains the usual first treatment for most others [2]."
BODY = f"{DOSE}\n\n{PLAIN}\n"


def accepted(article, reviewer, editor):
    invited = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
    )
    return assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")


def approve(assignment, **overrides):
    article = Article.objects.get(pk=assignment.article_id)
    return decisions.review_submit(
        assignment=assignment, actor=assignment.reviewer.user, revision=article.revision, decision="approve",
        password=TEST_PASSWORD, checklist=ALL_CHECKED,
        acknowledged=[w["key"] for w in gate.warnings_to_acknowledge(article=article)], **overrides,
    )  # fmt: skip


def rows(assignment):
    assignment = ReviewAssignment.objects.select_related("article").get(pk=assignment.pk)
    revision = assignment.article.revisions.get(number=assignment.article.revision)
    return ledger.ledger_rows(assignment=assignment, revision=revision)


def mark(assignment, number, value, note=""):
    """Mark the claim citing reference ``number`` through the service."""
    row = next(r for r in rows(assignment) if r.claim.number == number)
    article = Article.objects.get(pk=assignment.article_id)
    return claim_marks_record(
        assignment=assignment, actor=assignment.reviewer.user, revision=article.revision,
        marks={row.claim.key: (value, note)},
    )  # fmt: skip


@pytest.fixture
def article(author):
    return make_article(author=author, status=S.SUBMITTED, body=BODY, topic=make_topic("Oncology"))


@pytest.fixture
def reviewer():
    return make_reviewer("ledger", specialty="Oncology")


def test_a_claim_key_changes_with_the_wording_or_the_reference_and_not_with_renumbering():
    [first] = cited_claims(body=DOSE, references=[CLEAN_REFERENCES[0]])
    respaced_text = "Dexamethasone  16 mg a day eases the PAIN of most patients [1]"
    [respaced] = cited_claims(body=respaced_text, references=[CLEAN_REFERENCES[0]])
    [renumbered] = cited_claims(body=DOSE.replace("[1]", "[4]"), references=[{**CLEAN_REFERENCES[0], "number": 4}])
    [reworded] = cited_claims(body=DOSE.replace("16 mg", "8 mg"), references=[CLEAN_REFERENCES[0]])
    [other_work] = cited_claims(body=DOSE, references=[{**CLEAN_REFERENCES[0], "doi": "10.1000/other"}])
    assert first.needs_support and first.key == respaced.key == renumbered.key
    assert len({first.key, reworded.key, other_work.key}) == 3
    [plain] = cited_claims(body=PLAIN, references=CLEAN_REFERENCES)
    assert (plain.number, plain.needs_support) == (2, False)
    assert cited_claims(body="A sentence citing nothing.", references=CLEAN_REFERENCES) == []


def test_does_not_support_blocks_approval_naming_the_sentence_and_the_reference(editor, article, reviewer):
    assignment = accepted(article, reviewer, editor)
    mark(assignment, 1, "does_not_support", note="the trial used 10 mg")

    [finding] = gate.blocking_findings(article=article)
    assert finding["rule"] == "claim-not-supported" and finding["reference"] == 1
    assert finding["message"] == (
        f'Ledger Example found that reference 1 does not support "{DOSE}" (the trial used 10 mg); '
        "change the sentence or the reference"
    )
    with pytest.raises(DecisionRefused, match="reference 1 does not support") as refused:
        approve(assignment)
    assert "Dexamethasone 16 mg a day" in str(refused.value)
    assert not Review.objects.exists()
    article.refresh_from_db()
    assert article.status == S.UNDER_REVIEW

    page = review_page(assignment=ReviewAssignment.objects.get(pk=assignment.pk))
    assert [f["rule"] for f in page.errors] == ["claim-not-supported"]
    mark(assignment, 1, "supports")  # the reviewer changes their mind before deciding
    assert gate.blocking_findings(article=article) == []
    approve(assignment)
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_a_change_to_that_sentence_makes_it_re_checkable_and_unchanged_claims_carry(editor, article, reviewer):
    first = accepted(article, reviewer, editor)
    mark(first, 1, "does_not_support")
    mark(first, 2, "supports", note="guideline section 3")
    assert gate.blocking_findings(article=article)

    old = content_of(Article.objects.get(pk=article.pk))
    body = BODY.replace("16 mg a day", "10 mg once, then 4 mg four times a day,")
    workflow.edit(article=article, actor=editor, content=Content(old.title, old.summary, body, old.references),
                  reason="dose corrected to the cited trial")  # fmt: skip
    article.refresh_from_db()
    assert gate.blocking_findings(article=article) == []  # the sentence changed: the mark no longer applies
    second = ReviewAssignment.objects.get(article=article, reviewer=reviewer, status="invited")
    second = assignments.assignment_accept(assignment=second, actor=reviewer.user, conflict="none")

    by_number = {row.claim.number: row for row in rows(second)}
    assert by_number[1].recheck and by_number[1].mark == "not_checked" and not by_number[1].carried
    assert (by_number[2].mark, by_number[2].checked_in, by_number[2].note) == ("supports", 1, "guideline section 3")
    assert not by_number[2].recheck

    other = ReviewAssignment.objects.get(pk=second.pk)
    page = review_page(assignment=other)
    assert page.errors == []
    assert [row.claim.number for row in page.ledger] == [1, 2]


def test_a_dose_claim_without_supports_blocks_sign_off_when_the_topic_asks(editor, article, reviewer):
    article.topic.claims_need_support = True
    article.topic.save()
    assignment = accepted(article, reviewer, editor)

    with pytest.raises(DecisionRefused) as refused:
        approve(assignment)
    assert str(refused.value) == (
        'Cannot approve yet: the topic asks an approving reviewer to mark "supports" on every cited claim with '
        f'a dose or a number; not yet: "{DOSE}" (reference 1). Mark them on the ledger above your decision.'
    )
    assert not Review.objects.exists()
    assert "not yet" in gate.claims_missing(article=article)

    mark(assignment, 1, "supports")  # the plain sentence needs no mark
    review = approve(assignment)
    article.refresh_from_db()
    assert article.status == S.APPROVED and gate.signoff_missing(article=article) is None
    assert [(e["reference"], e["mark"], e["checked_in_revision"]) for e in review.ledger] == [
        (1, "supports", 1),
        (2, "not_checked", None),
    ]
    assert review.signature.meaning == (
        "approved revision 1 as medically accurate; 2 cited claim(s) checked against their sources: "
        "1 supported, 0 not supported, 1 not checked"
    )


def test_without_the_topic_rule_a_dose_claim_needs_no_mark(editor, article, reviewer):
    approve(accepted(article, reviewer, editor))
    article.refresh_from_db()
    assert article.status == S.APPROVED


def test_the_dossier_holds_the_signed_ledger_and_every_mark_and_validates(editor, article, reviewer):
    assignment = accepted(article, reviewer, editor)
    mark(assignment, 1, "supports", note="table 2")
    mark(assignment, 2, "not_checked")  # "not checked" with no note and no mark before: nothing to record
    approve(assignment)

    data = json.loads(json.dumps(dossier.dossier_for_article(article=article)))
    jsonschema.validate(data, dossier.dossier_schema())
    [decision] = data["decisions"]
    assert [(e["reference"], e["mark"], e["note"]) for e in decision["ledger"]] == [
        (1, "supports", "table 2"),
        (2, "not_checked", ""),
    ]
    [check] = data["claim_checks"]
    assert (check["revision"], check["reference"], check["mark"], check["marked_by"]) == (1, 1, "supports", "ledger")
    assert check["sentence"] == DOSE
    broken = {**data, "decisions": [{**decision, "ledger": [{**decision["ledger"][0], "mark": "maybe"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, dossier.dossier_schema())


def test_only_the_assigned_reviewer_on_an_accepted_assignment_marks(editor, article, reviewer):
    assignment = accepted(article, reviewer, editor)
    [row, _] = rows(assignment)
    stranger = make_reviewer("stranger")
    with pytest.raises(NotPermitted):
        claim_marks_record(
            assignment=assignment, actor=stranger.user, revision=1, marks={row.claim.key: ("supports", "")}
        )
    with pytest.raises(StaleRevision):
        claim_marks_record(
            assignment=assignment, actor=reviewer.user, revision=2, marks={row.claim.key: ("supports", "")}
        )
    with pytest.raises(DecisionRefused, match="not claims of this revision"):
        claim_marks_record(assignment=assignment, actor=reviewer.user, revision=1, marks={"0" * 64: ("supports", "")})
    with pytest.raises(DecisionRefused, match="choose supports"):
        claim_marks_record(assignment=assignment, actor=reviewer.user, revision=1, marks={row.claim.key: ("yes", "")})
    assert not ClaimCheck.objects.exists()


def _post(client, assignment, data):
    return client.post(reverse("reviews:claims", args=[assignment.pk]), data)


def test_the_ledger_form_records_marks_and_refuses_bad_input_with_4xx(client, editor, article, reviewer):
    assignment = accepted(article, reviewer, editor)
    [dose, plain] = rows(assignment)
    client.force_login(reviewer.user)

    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert f'name="mark-{dose.claim.key}"' in page and "Claims and their sources" in page

    bad = _post(client, assignment, {"revision": "1", f"mark-{dose.claim.key}": "maybe"})
    assert bad.status_code == 400 and "Reference 1: choose supports" in bad.content.decode()
    long_note = _post(client, assignment, {"revision": "1", f"mark-{dose.claim.key}": "supports",
                                           f"note-{dose.claim.key}": "x" * 2001})  # fmt: skip
    assert long_note.status_code == 400 and "2000 characters at most" in long_note.content.decode()
    nothing = _post(client, assignment, {"revision": "1"})
    assert nothing.status_code == 400 and "Mark at least one claim" in nothing.content.decode()
    assert _post(client, assignment, {"revision": "x", f"mark-{dose.claim.key}": "supports"}).status_code == 400
    stale = _post(client, assignment, {"revision": "7", f"mark-{dose.claim.key}": "supports"})
    assert stale.status_code == 409 and "you read revision 7" in stale.content.decode()
    assert not ClaimCheck.objects.exists()

    marks = {f"mark-{dose.claim.key}": "does_not_support", f"note-{dose.claim.key}": "wrong dose",
             f"mark-{plain.claim.key}": "supports"}  # fmt: skip
    done = _post(client, assignment, {"revision": "1", **marks})
    assert done.status_code == 302 and done["Location"].endswith("#h-ledger")
    assert sorted(ClaimCheck.objects.values_list("reference_number", "mark", "note")) == [
        (1, "does_not_support", "wrong dose"),
        (2, "supports", ""),
    ]
    shown = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert 'data-testid="approve-blocked"' in shown and "reference 1 does not support" in shown

    client.force_login(make_reviewer("other").user)
    assert _post(client, assignment, {"revision": "1", f"mark-{dose.claim.key}": "supports"}).status_code == 404


def test_the_review_page_query_count_does_not_grow_with_claims_or_marks(
    client, django_assert_max_num_queries, editor, author
):
    def page_for(sentences: int, username: str):
        body = "\n\n".join(f"Dose {n} mg helps [1] and radiotherapy helps [2]." for n in range(1, sentences + 1))
        article = make_article(author=author, status=S.SUBMITTED, body=body)
        reviewer = make_reviewer(username)
        assignment = accepted(article, reviewer, editor)
        for row in rows(assignment):
            claim_marks_record(assignment=assignment, actor=reviewer.user, revision=1,
                               marks={row.claim.key: ("supports", "checked")})  # fmt: skip
        client.force_login(reviewer.user)
        url = reverse("reviews:assignment", args=[assignment.pk])
        client.get(url)
        return url

    small = page_for(1, "fewclaims")
    with django_assert_max_num_queries(40) as one:
        client.get(small)
    counted = len(one.captured_queries)  # read now: the next request resets the connection's query log
    large = page_for(15, "manyclaims")
    with django_assert_max_num_queries(counted):
        response = client.get(large)
    assert response.content.decode().count('data-testid="ledger-row"') == 30


def test_the_claim_rule_is_a_topic_setting_editable_in_the_admin(client, django_user_model):
    topic = make_topic("Cardiology")
    admin_user = django_user_model.objects.create_superuser("topics-admin", "topics@example.org", "pw-for-tests-only")
    client.force_login(admin_user)
    url = reverse("admin:articles_topic_change", args=[topic.pk])
    assert 'name="claims_need_support"' in client.get(url).content.decode()
    data = {"name": "Cardiology", "slug": "cardiology", "description": "", "rereview_interval_days": "365",
            "required_approvals": "1", "required_specialties": "[]", "claims_need_support": "on"}  # fmt: skip
    assert client.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert topic.claims_need_support


def test_the_blocked_approve_says_a_not_supporting_source_stays_until_the_text_or_reference_changes(
    client, editor, article, reviewer
):
    assignment = accepted(article, reviewer, editor)
    client.force_login(reviewer.user)
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert "does not support” blocks" not in page
    mark(assignment, 1, "does_not_support")
    page = client.get(reverse("reviews:assignment", args=[assignment.pk])).content.decode()
    assert "Approve is not available" in page
    assert "a source marked “does not support” blocks until the sentence or the reference changes" in page
