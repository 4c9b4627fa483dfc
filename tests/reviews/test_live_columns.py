"""The article row's copy of its live publication (``live_revision``, ``live_title``, ``live_state``) on every path
that moves it.

The editors' desk's "approved, not yet live", the topic pages and the change list's publication filter read
these columns through their indexes (README "Lists at 100,000 articles"), so each publishing step must leave
them equal to the live publication's revision number, title and state (or "withdrawn" once taken down).
"""

import pytest

from articles.models import Article, SiteSettings
from articles.revisions import Content, content_of
from articles.selectors import topic_for_readers
from reviews.admin.selectors import dashboard_for_editor, ready_to_publish
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, make_topic, take_through_review

pytestmark = pytest.mark.django_db


def _assert_in_step(article: Article) -> Article:
    """The columns equal what the live publication says, and the desk's rule agrees with the join it replaces."""
    article.refresh_from_db()
    live = article.live_publication
    assert (article.live_revision, article.live_title) == ((live.revision.number, live.title) if live else (None, ""))
    withdrawn = article.withdrawals.exists()
    state = ("provisional" if live.provisional else "published") if live else "withdrawn" if withdrawn else ""
    assert article.live_state == state  # the change list's publication filter reads it (its partial indexes)
    by_join = article.status == Article.Status.APPROVED and (live is None or live.revision.number != article.revision)
    assert Article.objects.ready_to_publish().filter(pk=article.pk).exists() is by_join
    return article


def _edit(article, editor, body):
    content = content_of(article)
    article, _ = workflow.edit(
        article=article, actor=editor, reason="Updated the dose",
        content=Content(title="Cord compression, revised", summary=content.summary, body=body,
                        references=content.references),
    )  # fmt: skip
    return article


def test_publish_republish_unpublish_and_archive_keep_the_live_columns(editor):
    reviewer = make_reviewer("dr-live")
    article = _assert_in_step(take_through_review(make_article(), editor=editor, reviewer=reviewer))
    assert article.live_revision is None  # approved, nothing live: ready to publish

    publishing.publish(article=article, actor=editor, reason="r1")
    article = _assert_in_step(article)
    assert article.live_revision == 1 and not ready_to_publish(Article.objects.filter(pk=article.pk)).exists()

    article = _assert_in_step(_edit(article, editor, "Second version [1]."))  # in review: not ready
    article = _assert_in_step(take_through_review(article, editor=editor, reviewer=reviewer))
    assert (article.revision, article.live_revision) == (2, 1)  # approved revision 2, readers see 1: ready

    publishing.publish(article=article, actor=editor, reason="r2", change_kind="update", change_reason="New.")
    article = _assert_in_step(article)
    assert (article.live_revision, article.live_title) == (2, "Cord compression, revised")

    publishing.publish(
        article=article, actor=editor, reason="r2 was wrong", revision_number=1,
        change_kind="correction", change_reason="Back to the earlier text.",
    )  # fmt: skip
    article = _assert_in_step(article)
    assert article.live_revision == 1  # an older revision republished: ready again

    publishing.unpublish(article=article, actor=editor, reason="Dose under question")
    article = _assert_in_step(article)
    assert article.live_publication is None and article.live_revision is None

    publishing.publish(
        article=article, actor=editor, reason="back", revision_number=2, change_kind="update", change_reason="Back."
    )
    article = _assert_in_step(article)
    workflow.archive(article=article, actor=editor, reason="Superseded by a new guideline")
    article = _assert_in_step(article)
    assert (article.status, article.live_revision, article.live_title) == (Article.Status.ARCHIVED, None, "")


def test_provisional_publishing_and_its_promotion_keep_the_live_columns(editor):
    SiteSettings.objects.update_or_create(
        pk=1, defaults={"allow_provisional_publishing": True, "promote_on_approval": True}
    )
    article = make_article(status=Article.Status.UNDER_REVIEW)
    publishing.publish(article=article, actor=editor, reason="urgent guidance", provisional=True)
    article = _assert_in_step(article)
    assert article.live_revision == 1 and article.live_publication.provisional
    article = _assert_in_step(take_through_review(article, editor=editor, reviewer=make_reviewer("dr-promote")))
    assert not article.live_publication.provisional and article.live_revision == 1


def test_the_desk_lists_approved_articles_whose_approved_revision_is_not_live(editor):
    reviewer = make_reviewer("dr-desk")
    never = take_through_review(make_article(title="Never published"), editor=editor, reviewer=reviewer)
    live = take_through_review(make_article(title="Published"), editor=editor, reviewer=reviewer)
    publishing.publish(article=live, actor=editor, reason="r1")
    behind = take_through_review(make_article(title="Live one behind"), editor=editor, reviewer=reviewer)
    publishing.publish(article=behind, actor=editor, reason="r1")
    behind = take_through_review(_edit(behind, editor, "Second version [1]."), editor=editor, reviewer=reviewer)
    assert {a.pk for a in dashboard_for_editor(user=editor).ready} == {never.pk, behind.pk}


def test_topic_pages_order_by_the_live_title_not_the_working_title(editor, client):
    topic = make_topic("Spine")
    reviewer = make_reviewer("dr-topic")
    articles = []
    for title in ("Bravo", "Alpha", "Charlie"):
        article = take_through_review(make_article(title=title, topic=topic), editor=editor, reviewer=reviewer)
        publishing.publish(article=article, actor=editor, reason="r1")
        articles.append(article)
    bravo = _edit(articles[0], editor, "Rewritten [1].")  # working title changes; readers still see "Bravo"
    assert bravo.title == "Cord compression, revised"
    _, page, after = topic_for_readers(slug=topic.slug, limit=2)
    assert [a.live_publication.title for a in page] == ["Alpha", "Bravo"] and after == page[-1].pk
    _, rest, last = topic_for_readers(slug=topic.slug, after=after, limit=2)
    assert [a.live_publication.title for a in rest] == ["Charlie"] and last is None
