"""The reader's stepper and status line describe the live publication, not the workflow state."""

import re

import pytest
from django.utils import timezone

from articles.models import Article
from articles.revisions import Content, content_of
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_publication, make_user

S = Article.Status
UPDATE = "an update is under review"


def _steps(client, article) -> tuple[list[tuple[str, str]], str]:
    html = client.get(f"/articles/{article.slug}/").content.decode()
    steps = re.findall(r'class="step step-(\w+)".*?<span class="step-label">([^<]+)', html, re.S)
    summary = re.search(r'<p class="status-summary">([^<]*)</p>', html).group(1)
    return [(label, state) for state, label in steps], summary


def force_status(article, status):
    """Straight into ``status`` (tests only), saving the row as every workflow step does."""
    extra = {"last_reviewed_at": timezone.now()} if status == S.APPROVED else {}
    Article.objects.filter(pk=article.pk).update(status=status, updated_at=timezone.now(), **extra)
    article.refresh_from_db()


APPROVED = [("Submitted", "done"), ("Under review", "done"), ("Approved", "current")]


@pytest.mark.django_db
def test_live_approved_with_no_newer_revision(client):
    article = make_article(status=S.APPROVED)
    make_publication(article=article)
    assert _steps(client, article) == (APPROVED, "Approved by the medical advisory board.")
    # A re-review of the very text readers see is no "update": the page still says approved.
    force_status(article, S.UNDER_REVIEW)
    steps, summary = _steps(client, article)
    assert steps == APPROVED and UPDATE not in summary


@pytest.mark.django_db
def test_live_approved_while_a_newer_revision_is_under_review(client):
    editor = make_user("stepper-editor", roles=["editor"])
    article = make_article(status=S.APPROVED)
    make_publication(article=article)
    current = content_of(article)
    workflow.edit(
        article=article, actor=editor, reason="new dose",
        content=Content(title=current.title, summary=current.summary, body=current.body + "\nNew dosing.\n",
                        references=current.references),
    )  # fmt: skip
    article.refresh_from_db()
    assert (article.revision, article.status) == (2, S.SUBMITTED)
    steps, summary = _steps(client, article)
    assert steps == APPROVED
    assert summary == f"This version was approved by the medical advisory board; {UPDATE}."
    force_status(article, S.CHANGES_REQUESTED)  # the update went back to its author: not in review now
    steps, summary = _steps(client, article)
    assert steps == APPROVED and UPDATE not in summary


@pytest.mark.django_db
def test_provisional_publication_shows_its_own_review_stage(client):
    article = make_article(status=S.SUBMITTED)
    make_publication(article=article, provisional=True, credits=[])
    steps, summary = _steps(client, article)
    assert steps == [("Submitted", "current"), ("Under review", "todo"), ("Approved", "todo")]
    assert summary.startswith("Pending review")
    force_status(article, S.UNDER_REVIEW)
    steps, _ = _steps(client, article)
    assert steps == [("Submitted", "done"), ("Under review", "current"), ("Approved", "todo")]
    force_status(article, S.APPROVED)  # approved but not yet promoted: readers still read the provisional page
    steps, summary = _steps(client, article)
    assert steps[2] == ("Approved", "todo") and summary.startswith("Pending review")
