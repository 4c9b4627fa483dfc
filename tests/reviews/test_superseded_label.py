"""After a scheduled re-review the earlier approval reads "Superseded by re-review", not "Stale (article
changed)": the text did not change. An edit still makes an older revision's assignment "Stale (article changed)"."""

from dataclasses import replace

import pytest
from django.urls import reverse

from articles.models import Article
from articles.revisions import content_of
from reviews.models import ReviewAssignment
from reviews.publishing.scheduling import rereview_run_due
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, make_user, take_through_review

pytestmark = pytest.mark.django_db
A = ReviewAssignment.Status


@pytest.fixture
def approved():
    editor = make_user("label-editor", roles=["editor"], is_staff=True)
    reviewer = make_reviewer("dr-label")
    article = take_through_review(make_article(), editor=editor, reviewer=reviewer)
    return article, editor, reviewer


def test_the_scheduled_rereview_supersedes_the_approval_and_the_pages_say_so(client, approved):
    article, editor, reviewer = approved
    Article.objects.filter(pk=article.pk).update(next_review_due="2020-01-01")
    assert rereview_run_due() == {article.pk: "started"}
    earlier = ReviewAssignment.objects.get(article=article, status=A.STALE)
    assert earlier.revision == Article.objects.get(pk=article.pk).revision
    assert earlier.status_label == "Superseded by re-review"

    client.force_login(editor)
    panel = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "Superseded by re-review" in panel and "Stale (article changed)" not in panel
    listing = client.get(reverse("admin:reviews_reviewassignment_changelist")).content.decode()
    assert "Superseded by re-review" in listing and "Stale (article changed)" not in listing

    client.force_login(reviewer.user)
    mine = client.get(reverse("reviews:assignment", args=[earlier.pk])).content.decode()
    assert 'data-testid="assignment-status">Superseded by re-review<' in mine


def test_an_edit_still_makes_the_older_revisions_assignment_stale(approved):
    article, editor, _ = approved
    content = content_of(article)
    workflow.edit(article=article, actor=editor, content=replace(content, body=content.body + "\nMore.\n"), reason="x")
    earlier = ReviewAssignment.objects.select_related("article").get(article=article, status=A.STALE)
    assert earlier.revision < earlier.article.revision
    assert earlier.status_label == "Stale (article changed)"
