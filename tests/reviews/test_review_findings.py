"""Guards found in review: history is view-only, authors see their own articles, archive withdraws."""

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Publication, PublicationWithdrawal
from reviews.exceptions import WorkflowError
from reviews.models import Notification, ReviewAssignment
from reviews.notifications import send_once
from reviews.workflow import transitions as workflow
from tests.factories import make_article, make_assignment, make_reviewer, make_user

pytestmark = pytest.mark.django_db


def test_history_versions_can_be_viewed_but_never_posted_back(client):
    editor = make_user("history-editor", roles=["editor"])
    assignment = make_assignment(article=make_article(), reviewer=make_reviewer("hist"))
    version = assignment.history.earliest()
    client.force_login(editor)
    url = reverse("admin:reviews_reviewassignment_simple_history", args=[assignment.pk, version.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"revision": 99, "comments": "forged", "due_at_0": "2030-01-01"})
    assert response.status_code == 405
    assignment.refresh_from_db()
    assert assignment.revision == 1 and assignment.comments == ""


def test_authors_see_only_their_own_articles_in_the_desk(client):
    mine_author, other_author = make_user("a-one", roles=["author"]), make_user("a-two", roles=["author"])
    for user in (mine_author, other_author):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    mine, theirs = make_article(author=mine_author), make_article(author=other_author)
    client.force_login(mine_author)
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    for name in ("change", "revisions", "compare"):
        url = reverse(f"admin:articles_article_{name}", args=[theirs.pk])
        assert client.get(url).status_code in (302, 403, 404)
        assert theirs.title not in client.get(url, follow=True).content.decode()
    assert client.get(reverse("admin:articles_article_change", args=[mine.pk])).status_code == 200


def test_verifying_credentials_records_the_acting_editor(admin_client):
    profile = make_reviewer("unverified", verified=False)
    url = reverse("admin:reviews_reviewerprofile_changelist")
    check = {"apply": "1", "checked": "MD degree and licence L-1234", "register": "GMC register"}
    admin_client.post(url, {"action": "verify_credentials", "_selected_action": [profile.pk], **check})
    profile.refresh_from_db()
    assert profile.credentials_verified_at is not None
    assert profile.credentials_verified_by.username == "admin"
    lapsed = make_reviewer("lapsed", verified=False, licence_expires=timezone.localdate().replace(year=2020))
    response = admin_client.post(
        url, {"action": "verify_credentials", "_selected_action": [lapsed.pk], **check}, follow=True
    )
    assert "no current expiry date" in response.content.decode()
    lapsed.refresh_from_db()
    assert lapsed.credentials_verified_at is None


def test_archiving_a_live_article_takes_it_off_the_public_site(client, editor):
    article = make_article(status=Article.Status.APPROVED)
    revision = article.revisions.get()
    publication = Publication.objects.create(
        article=article, revision=revision, title=revision.title, rendered_html="<p>x</p>",
        published_by=editor, published_at=timezone.now(),
    )  # fmt: skip
    Article.objects.filter(pk=article.pk).update(
        live_publication=publication, live_revision=revision.number, live_title=publication.title
    )
    workflow.archive(article=article, actor=editor, reason="Superseded by a new guideline")
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED and article.live_publication is None
    withdrawal = PublicationWithdrawal.objects.get()
    assert (withdrawal.publication, withdrawal.withdrawn_by) == (publication, editor)
    assert "archived: Superseded" in withdrawal.reason
    assert client.get(article.get_absolute_url()).status_code == 410


def test_a_refused_mail_is_not_recorded_as_sent(settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        send_once(key="k1", recipient="r@example.org", template="reviews/email/retraction.txt",
                  context={"article": make_article(), "finding": {"message": "Reference 1 is retracted"}})  # fmt: skip
    assert not Notification.objects.exists()


def test_reimporting_onto_an_archived_article_is_reported_not_raised(tmp_path, editor):
    from reviews.jobs.importing import import_file

    article = make_article(author=editor)
    workflow.archive(article=article, actor=editor, reason="Old")
    path = tmp_path / "again.md"
    path.write_text(f"---\ntitle: New text\nslug: {article.slug}\n---\nBody.\n", encoding="utf-8")
    result = import_file(path=path, actor=editor)
    assert result.outcome == "failed" and f"{path}:1:" in result.message and "edit" in result.message


def test_topics_that_slugify_alike_are_one_topic(tmp_path, editor):
    from reviews.jobs.importing import import_file

    for i, name in enumerate(("Neuro-oncology", "Neuro oncology")):
        path = tmp_path / f"t{i}.md"
        path.write_text(f"---\ntitle: Article {i}\ntopic: {name}\n---\nBody.\n", encoding="utf-8")
        assert import_file(path=path, actor=editor).outcome == "created"
    assert len({a.topic_id for a in Article.objects.all()}) == 1


def test_a_change_form_without_its_starting_revision_is_refused(client, editor):
    article = make_article()
    client.force_login(editor)
    data = {"title": "Changed", "summary": "", "body": article.body, "audience": "clinician",
            "change_reason": "x", "references-TOTAL_FORMS": 0, "references-INITIAL_FORMS": 0}  # fmt: skip
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200 and "which revision and version you started from" in response.content.decode()
    article.refresh_from_db()
    assert article.title != "Changed" and article.revision == 1


def test_assignment_admin_stays_read_only(admin_client):
    assignment = make_assignment(article=make_article(), reviewer=make_reviewer("ro"))
    url = reverse("admin:reviews_reviewassignment_change", args=[assignment.pk])
    admin_client.post(url, {"comments": "edited"})
    assignment.refresh_from_db()
    assert assignment.comments == "" and assignment.status == ReviewAssignment.Status.ACCEPTED
    assert WorkflowError  # the domain base error stays importable for callers
