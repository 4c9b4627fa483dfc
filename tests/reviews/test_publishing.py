"""Publishing: pinned revisions, unpublishing, republishing and provisional publishing."""

import threading

import pytest
from django.db import connection

from articles.models import Article, Publication, PublicationWithdrawal, SiteSettings
from articles.revisions import Content, content_of
from reviews.exceptions import NotPermitted, TransitionNotAllowed
from reviews.models import TransitionLog
from reviews.publishing import services as publishing
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_reviewer, make_user, take_through_review


@pytest.fixture
def approved(editor):
    reviewer = make_reviewer("dr-pub")
    article = take_through_review(make_article(), editor=editor, reviewer=reviewer)
    return article, reviewer


def _edit(article, editor, body, reason="Updated the dose"):
    content = content_of(article)
    article, _ = workflow.edit(
        article=article, actor=editor, reason=reason,
        content=Content(title=content.title, summary=content.summary, body=body, references=content.references),
    )  # fmt: skip
    return article


@pytest.mark.django_db
def test_publish_pins_the_exact_approved_revision(editor, approved):
    article, reviewer = approved
    publication = publishing.publish(article=article, actor=editor, reason="First publication")
    article.refresh_from_db()
    assert article.live_publication == publication
    assert publication.revision.number == article.revision == 1
    assert publication.revision.content_hash == article.revisions.get(number=1).content_hash
    assert "Decompressive surgery" in publication.rendered_html and 'href="#ref-1"' in publication.rendered_html
    assert publication.references == article.revisions.get(number=1).references
    assert [c["display"] for c in publication.reviewer_credits] == [reviewer.display_line]
    assert publication.published_by == editor and not publication.provisional
    assert "Decompressive surgery" in publication.search_text and "<p>" not in publication.search_text
    log = TransitionLog.objects.get(article=article, transition="publish")
    assert (log.from_status, log.to_status, log.actor) == ("approved", "approved", editor)
    assert article.history.first().history_change_reason == "publish: revision 1: First publication"
    assert article.status == Article.Status.APPROVED  # publishing is separate from status


@pytest.mark.django_db
def test_later_edits_do_not_change_what_readers_get(editor, approved):
    article, _ = approved
    publication = publishing.publish(article=article, actor=editor, reason="Go live")
    html = publication.rendered_html
    article = _edit(article, editor, "Entirely new advice that is still under review [1].")
    article.refresh_from_db()
    assert article.revision == 2 and article.status == Article.Status.SUBMITTED
    assert article.live_publication_id == publication.pk
    publication.refresh_from_db()
    assert publication.rendered_html == html and publication.revision.number == 1
    assert "Entirely new advice" not in article.live_publication.rendered_html


@pytest.mark.django_db
def test_unpublish_records_a_withdrawal_and_clears_the_live_publication(editor, approved):
    article, _ = approved
    publication = publishing.publish(article=article, actor=editor, reason="Go live")
    withdrawal = publishing.unpublish(article=article, actor=editor, reason="Dose under question")
    article.refresh_from_db()
    assert article.live_publication is None
    assert (withdrawal.publication, withdrawal.withdrawn_by, withdrawal.reason) == (
        publication, editor, "Dose under question"
    )  # fmt: skip
    assert Publication.objects.filter(pk=publication.pk).exists()  # the record stays
    assert TransitionLog.objects.filter(article=article, transition="unpublish").count() == 1
    with pytest.raises(TransitionNotAllowed, match="not on the public site"):
        publishing.unpublish(article=article, actor=editor, reason="again")


@pytest.mark.django_db
def test_republishing_an_older_revision_is_a_new_publication(editor, approved):
    article, reviewer = approved
    first = publishing.publish(article=article, actor=editor, reason="r1")
    article = _edit(article, editor, "Second version [1].")
    article = take_through_review(article, editor=editor, reviewer=reviewer)
    second = publishing.publish(article=article, actor=editor, reason="r2", change_kind="update", change_reason="New.")
    assert second.revision.number == 2
    again = publishing.publish(
        article=article, actor=editor, reason="r2 was wrong", revision_number=1,
        change_kind="correction", change_reason="Back to the earlier text.",
    )  # fmt: skip
    article.refresh_from_db()
    assert again.pk not in (first.pk, second.pk)
    assert again.revision_id == first.revision_id and article.live_publication == again
    assert again.rendered_html == first.rendered_html
    assert Publication.objects.filter(article=article).count() == 3
    assert [c["display"] for c in again.reviewer_credits] == [reviewer.display_line]


@pytest.mark.django_db
def test_publish_refuses_what_it_should_and_writes_nothing(editor, author):
    article = make_article(status=Article.Status.UNDER_REVIEW)
    with pytest.raises(TransitionNotAllowed, match="has not been approved"):
        publishing.publish(article=article, actor=editor, reason="too soon")
    with pytest.raises(TransitionNotAllowed, match="a reason is required"):
        publishing.publish(article=article, actor=editor, reason=" ")
    with pytest.raises(NotPermitted, match="only an editor"):
        publishing.publish(article=article, actor=author, reason="mine")
    with pytest.raises(TransitionNotAllowed, match="revision 7 of this article does not exist"):
        publishing.publish(article=article, actor=editor, reason="x", revision_number=7)
    assert not Publication.objects.exists() and not TransitionLog.objects.exists()
    approved = make_article(status=Article.Status.APPROVED)
    publishing.publish(article=approved, actor=editor, reason="once")
    with pytest.raises(TransitionNotAllowed, match="revision 1 is already live"):
        publishing.publish(article=approved, actor=editor, reason="twice")
    archived = make_article(status=Article.Status.ARCHIVED)
    with pytest.raises(TransitionNotAllowed, match="archived"):
        publishing.publish(article=archived, actor=editor, reason="x")


@pytest.mark.django_db
def test_provisional_publishing_is_refused_when_the_setting_is_off(editor):
    article = make_article(status=Article.Status.UNDER_REVIEW)
    with pytest.raises(TransitionNotAllowed, match="does not allow provisional publishing"):
        publishing.publish(article=article, actor=editor, reason="early", provisional=True)
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_provisional_publishing_when_allowed_marks_the_publication(editor):
    settings_row = SiteSettings.load()
    settings_row.allow_provisional_publishing = True
    settings_row.save()
    article = make_article(status=Article.Status.UNDER_REVIEW)
    publication = publishing.publish(article=article, actor=editor, reason="urgent guidance", provisional=True)
    article.refresh_from_db()
    assert publication.provisional and article.live_publication == publication
    assert publication.reviewer_credits == []
    assert TransitionLog.objects.get(transition="publish").reason == "revision 1 provisionally: urgent guidance"


@pytest.mark.django_db
def test_a_revision_whose_last_decision_was_not_approval_is_not_republished_as_approved(editor, approved):
    article, _ = approved
    article = workflow.start_rereview(article=article, actor=editor, reason="annual")
    article = workflow.start_review(article=article, actor=editor)
    article = workflow.request_changes(article=article, actor=editor, reason="outdated dose")
    assert not publishing.revision_is_approved(article=article, number=1)
    with pytest.raises(TransitionNotAllowed, match="has not been approved"):
        publishing.publish(article=article, actor=editor, reason="x")


@pytest.mark.django_db(transaction=True)
def test_racing_publishes_leave_one_consistent_live_publication():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    editors = [make_user(f"pub-racer{i}", roles=["editor"]) for i in range(4)]
    article = make_article(status=Article.Status.APPROVED)
    barrier = threading.Barrier(len(editors))
    results = {}

    def run(i, editor):
        try:
            barrier.wait(5)
            results[i] = publishing.publish(article=article, actor=editor, reason=f"editor {i}")
        except Exception as error:  # recorded for the assertions below
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, e)) for i, e in enumerate(editors)]
    [t.start() for t in threads]
    [t.join(20) for t in threads]
    won = [r for r in results.values() if isinstance(r, Publication)]
    lost = [r for r in results.values() if isinstance(r, TransitionNotAllowed)]
    assert len(won) == 1 and len(lost) == 3
    article.refresh_from_db()
    assert article.live_publication_id == won[0].pk
    assert Publication.objects.count() == 1 and TransitionLog.objects.filter(transition="publish").count() == 1
    assert not PublicationWithdrawal.objects.exists()


@pytest.mark.django_db
def test_readers_get_the_pinned_revision_then_410_after_unpublish(client, editor, approved):
    article, _ = approved
    publishing.publish(article=article, actor=editor, reason="Go live")
    url = article.get_absolute_url()
    page = client.get(url)
    assert page.status_code == 200 and "Decompressive surgery" in page.content.decode()
    _edit(article, editor, "Entirely new advice that is still under review [1].")
    page = client.get(url).content.decode()
    assert "Decompressive surgery" in page and "Entirely new advice" not in page
    publishing.unpublish(article=article, actor=editor, reason="Dose under question")
    assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_readers_see_the_pending_review_banner_on_a_provisional_publication(client, editor):
    SiteSettings.objects.update_or_create(pk=1, defaults={"allow_provisional_publishing": True})
    article = make_article(status=Article.Status.UNDER_REVIEW)
    publishing.publish(article=article, actor=editor, reason="urgent guidance", provisional=True)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'data-testid="pending-banner"' in page and "Pending review." in page
    approved = make_article(status=Article.Status.APPROVED)
    publishing.publish(article=approved, actor=editor, reason="reviewed")
    assert 'data-testid="pending-banner"' not in client.get(approved.get_absolute_url()).content.decode()
