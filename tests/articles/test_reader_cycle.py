"""Readers never see an unapproved revision unless it was published provisionally, through the
whole publish → edit → re-review cycle, driven by the real workflow and publishing services."""

import pytest

from articles.models import Article, SiteSettings
from articles.revisions import Content, content_of
from reviews import publishing, workflow
from reviews.exceptions import TransitionNotAllowed
from tests.factories import make_article, make_reviewer, make_user, take_through_review

S = Article.Status


def _edit(article, editor, marker):
    current = content_of(article)
    content = Content(title=current.title, summary=current.summary, body=current.body + f"\n{marker}\n",
                      references=current.references)  # fmt: skip
    article, revision = workflow.edit(article=article, actor=editor, content=content, reason=f"adds {marker}")
    assert revision is not None
    return article


def _shown(client, article) -> str:
    response = client.get(f"/articles/{article.slug}/")
    assert response.status_code == 200
    return response.content.decode()


def test_readers_see_only_approved_or_provisionally_published_revisions(client, db):
    editor = make_user("cycle-editor", roles=["editor"])
    reviewer = make_reviewer("cycle-reviewer")
    article = make_article(body="Original approved text [1]. Second claim [2].")
    assert client.get(f"/articles/{article.slug}/").status_code == 404  # nothing published yet

    article = take_through_review(article, editor=editor, reviewer=reviewer)
    publishing.publish(article=article, actor=editor, reason="first approval")
    article.refresh_from_db()
    html = _shown(client, article)
    assert "Original approved text" in html and "Pending review." not in html

    # An edit makes revision 2: readers keep revision 1 while it is reviewed.
    article = _edit(article, editor, "UNAPPROVED-EDIT-TWO")
    assert article.status == S.SUBMITTED
    html = _shown(client, article)
    assert "UNAPPROVED-EDIT-TWO" not in html and "Original approved text" in html
    assert "an update is now under review" in html

    # Publishing the unapproved revision is refused while the site does not allow provisional pages.
    with pytest.raises(TransitionNotAllowed):
        publishing.publish(article=article, actor=editor, reason="too early")
    with pytest.raises(TransitionNotAllowed):
        publishing.publish(article=article, actor=editor, reason="too early", provisional=True)
    assert "UNAPPROVED-EDIT-TWO" not in _shown(client, article)

    # Approved, but not yet published: still revision 1. Published: revision 2.
    article = take_through_review(article, editor=editor, reviewer=reviewer)
    assert "UNAPPROVED-EDIT-TWO" not in _shown(client, article)
    publishing.publish(article=article, actor=editor, reason="second approval")
    article.refresh_from_db()
    assert "UNAPPROVED-EDIT-TWO" in _shown(client, article)

    # Re-review: the approved page stays up, and an edit made during it stays hidden.
    article = workflow.start_rereview(article=article, actor=editor, reason="a year has passed")
    html = _shown(client, article)
    assert "UNAPPROVED-EDIT-TWO" in html and "Pending review." not in html
    article = _edit(article, editor, "UNAPPROVED-EDIT-THREE")
    assert "UNAPPROVED-EDIT-THREE" not in _shown(client, article)

    # Only a provisional publication shows an unapproved revision, and it says so.
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    publishing.publish(article=article, actor=editor, reason="urgent safety update", provisional=True)
    article.refresh_from_db()
    html = _shown(client, article)
    assert "UNAPPROVED-EDIT-THREE" in html and "Pending review." in html
    assert '<meta name="robots" content="noindex">' in html and "Reviewed by" not in html

    # Withdrawn: gone, with a 410 page.
    publishing.unpublish(article=article, actor=editor, reason="evidence re-checked")
    assert client.get(f"/articles/{article.slug}/").status_code == 410
