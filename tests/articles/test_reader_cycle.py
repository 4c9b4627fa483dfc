"""Readers never see an unapproved revision unless it was published provisionally, through the
whole publish → edit → re-review cycle, driven by the real workflow and publishing services."""

from datetime import UTC, datetime

import pytest
import time_machine

from articles.models import Article, SiteSettings
from articles.revisions import Content, content_of
from reviews.exceptions import TransitionNotAllowed
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
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
    assert "an update is under review" in html

    # Publishing the unapproved revision is refused while the site does not allow provisional pages.
    with pytest.raises(TransitionNotAllowed):
        publishing.publish(article=article, actor=editor, reason="too early")
    with pytest.raises(TransitionNotAllowed):
        publishing.publish(article=article, actor=editor, reason="too early", provisional=True)
    assert "UNAPPROVED-EDIT-TWO" not in _shown(client, article)

    # Approved, but not yet published: still revision 1. Published: revision 2.
    article = take_through_review(article, editor=editor, reviewer=reviewer)
    assert "UNAPPROVED-EDIT-TWO" not in _shown(client, article)
    publishing.publish(
        article=article, actor=editor, reason="second approval", change_kind="update", change_reason="Revised."
    )
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
    publishing.publish(
        article=article, actor=editor, reason="urgent safety update", provisional=True,
        change_kind="correction", change_reason="Urgent safety change.",
    )  # fmt: skip
    article.refresh_from_db()
    html = _shown(client, article)
    assert "UNAPPROVED-EDIT-THREE" in html and "Pending review." in html
    assert '<meta name="robots" content="noindex">' in html and "Reviewed by" not in html

    # Withdrawn: gone, with a 410 page.
    publishing.unpublish(article=article, actor=editor, reason="evidence re-checked")
    assert client.get(f"/articles/{article.slug}/").status_code == 410


def _card(html: str, title: str) -> str:
    return next(card for card in html.split('<li class="card">')[1:] if title in card)


def test_cards_credit_the_review_of_the_live_revision_not_a_newer_unpublished_approval(client, db):
    editor = make_user("cards-editor", roles=["editor"])
    reviewer = make_reviewer("cards-reviewer")
    older = make_article(title="Spinal cord compression", body="Original approved text [1].")
    other = make_article(title="Bone marrow oedema", body="Other approved text [1].")
    with time_machine.travel(datetime(2026, 3, 2, 12, tzinfo=UTC), tick=False):
        older = take_through_review(older, editor=editor, reviewer=reviewer)
        publishing.publish(article=older, actor=editor, reason="revision 1")
    with time_machine.travel(datetime(2026, 3, 20, 12, tzinfo=UTC), tick=False):
        other = take_through_review(other, editor=editor, reviewer=reviewer)
        publishing.publish(article=other, actor=editor, reason="first version")
    with time_machine.travel(datetime(2026, 4, 15, 12, tzinfo=UTC), tick=False):
        older.refresh_from_db()
        older = take_through_review(_edit(older, editor, "REVISION-TWO"), editor=editor, reviewer=reviewer)
    older.refresh_from_db()
    assert older.status == S.APPROVED and older.revision == 2 and older.live_publication.revision.number == 1

    home = client.get("/").content.decode()
    recent, reviewed = home.split("Recently reviewed", 1)
    for html in (recent, reviewed, client.get(older.topic.get_absolute_url()).content.decode()):
        card = _card(html, "Spinal cord compression")
        assert "Reviewed <time" in card and "2 Mar 2026" in card and "15 Apr 2026" not in card
    # Recently reviewed goes by what is live: the article reviewed on 20 March comes first.
    assert reviewed.index("Bone marrow oedema") < reviewed.index("Spinal cord compression")
    assert "20 Mar 2026" in _card(reviewed, "Bone marrow oedema")
