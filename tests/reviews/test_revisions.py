"""Content changes make revisions; approvals count only for the revision they were given on."""

import pytest

from articles.diffing import revision_diff
from articles.models import Article, ArticleRevision
from articles.revisions import Content, content_of
from articles.selectors import revision_pair, revisions_for_article
from reviews.exceptions import NotPermitted, StaleEdit
from reviews.models import ReviewAssignment, TransitionLog
from reviews.workflow import transitions as workflow
from tests.factories import make_approval, make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db


def _edited(article, **changes) -> Content:
    content = content_of(article)
    return Content(
        title=changes.get("title", content.title),
        summary=changes.get("summary", content.summary),
        body=changes.get("body", content.body),
        references=changes.get("references", content.references),
    )


def test_creating_an_article_writes_revision_one():
    article = make_article()
    revision = article.revisions.get()
    assert (article.revision, revision.number, revision.title) == (1, 1, article.title)
    assert len(revision.references) == 2 and len(revision.content_hash) == 64


def test_unchanged_content_makes_no_revision():
    editor = make_user("ed", roles=["editor"])
    article = make_article()
    _, revision = workflow.edit(article=article, actor=editor, content=_edited(article), reason="no-op")
    assert revision is None
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_editing_an_approved_article_makes_its_approval_stale_and_resubmits():
    editor = make_user("ed", roles=["editor"])
    reviewer = make_reviewer("rev")
    article = make_article(status=Article.Status.UNDER_REVIEW)
    assignment = make_assignment(article=article, reviewer=reviewer)
    make_approval(assignment=assignment)
    article = workflow.approve(article=article, actor=reviewer.user)
    assert article.status == Article.Status.APPROVED

    refs = content_of(article).references
    refs[1] = {**refs[1], "title": "Updated guideline on spinal cord compression", "year": 2023, "pmid": ""}
    body = article.body.replace("usual first treatment", "standard initial treatment")
    article, revision = workflow.edit(
        article=article, actor=editor, content=_edited(article, body=body, references=refs),
        reason="Bring the guideline up to date",
    )  # fmt: skip

    assert (article.status, article.revision, revision.number) == (Article.Status.SUBMITTED, 2, 2)
    assignment.refresh_from_db()
    assert assignment.status == ReviewAssignment.Status.STALE
    log = TransitionLog.objects.filter(article=article).first()
    assert (log.transition, log.from_status, log.to_status) == ("reopen", "approved", "submitted")

    listed = list(revisions_for_article(article=article))
    assert [(r.number, r.created_by, r.reason) for r in listed] == [
        (2, editor, "Bring the guideline up to date"),
        (1, article.author, "written for a test"),
    ]
    old, new = revision_pair(article=article, old=1, new=2)
    diff = revision_diff(old=old, new=new)
    assert {"op": "delete", "text": "usual first"} in [{"op": s.op, "text": s.text} for s in diff.body]
    assert {"op": "insert", "text": "standard initial"} in [{"op": s.op, "text": s.text} for s in diff.body]
    assert [c.number for c in diff.references_changed] == [2]
    assert {"title", "year", "pmid"} <= set(diff.references_changed[0].fields)


def test_references_of_a_past_revision_are_kept_as_they_were():
    editor = make_user("ed", roles=["editor"])
    article = make_article()
    before = content_of(article).references
    workflow.edit(article=article, actor=editor, content=_edited(article, references=before[:1]), reason="trim")
    assert article.revisions.get(number=1).references == before
    assert article.references.count() == 1


def test_diff_reports_added_and_removed_references():
    editor = make_user("ed", roles=["editor"])
    article = make_article()
    refs = content_of(article).references
    new_ref = {**refs[0], "number": 3, "doi": "10.1000/new", "pmid": "", "title": "A new cohort study"}
    workflow.edit(article=article, actor=editor, content=_edited(article, references=[refs[0], new_ref]), reason="swap")
    diff = revision_diff(*[], old=article.revisions.get(number=1), new=article.revisions.get(number=2))
    assert [c.number for c in diff.references_added] == [3]
    assert [c.number for c in diff.references_removed] == [2]


def test_stale_edit_is_refused_and_nothing_is_written():
    editor = make_user("ed", roles=["editor"])
    article = make_article()
    workflow.edit(article=article, actor=editor, content=_edited(article, body="Newer text [1][2]."), reason="one")
    with pytest.raises(StaleEdit, match="you started from revision 1, it is now at revision 2"):
        workflow.edit(
            article=article, actor=editor, content=_edited(article, body="Older copy."), reason="two",
            expected_revision=1,
        )  # fmt: skip
    article.refresh_from_db()
    assert article.revision == 2 and "Newer text" in article.body


def test_authors_cannot_edit_while_under_review():
    article = make_article(status=Article.Status.UNDER_REVIEW)
    with pytest.raises(NotPermitted):
        workflow.edit(article=article, actor=article.author, content=_edited(article, body="x"), reason="sneak")
    assert article.revisions.count() == 1


def test_blank_reason_for_a_content_change_is_refused():
    editor = make_user("ed", roles=["editor"])
    article = make_article()
    with pytest.raises(ValueError, match="needs a reason"):
        workflow.edit(article=article, actor=editor, content=_edited(article, body="changed"), reason=" ")
    assert article.revisions.count() == 1
