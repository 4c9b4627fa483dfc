"""make demo's content: every state a reader or editor should see, created through the real services."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Publication

pytestmark = pytest.mark.django_db


def test_demo_setup_shows_every_state_and_is_idempotent():
    out = StringIO()
    call_command("demo_setup", stdout=out)
    assert "editor" in out.getvalue() and "imprimatur-demo" in out.getvalue()
    states = {a.slug: a for a in Article.objects.select_related("live_publication")}
    assert states["malignant-spinal-cord-compression"].status == Article.Status.APPROVED
    assert states["malignant-spinal-cord-compression-patient"].variant_of == states["malignant-spinal-cord-compression"]
    assert states["spine-mri-what-to-expect"].live_publication.provisional
    myelomalacia = states["myelomalacia"]
    assert myelomalacia.status == Article.Status.UNDER_REVIEW
    assert myelomalacia.live_publication.revision.number == 1 < myelomalacia.revision
    overdue = states["cervical-myelopathy-imaging"]
    assert overdue.live_publication and overdue.next_review_due < overdue.last_reviewed_at.date()
    assert {a.status for a in states.values()} >= {"draft", "submitted", "under_review", "approved"}

    own = {a.status for a in Article.objects.filter(author__username="author")}
    assert own == {Article.Status.DRAFT, Article.Status.CHANGES_REQUESTED}

    publications, articles = Publication.objects.count(), Article.objects.count()
    call_command("demo_setup", stdout=StringIO())
    assert Publication.objects.count() == publications
    assert Article.objects.count() == articles
    assert {a.status for a in Article.objects.filter(author__username="author")} == own


def test_demo_reviewers_have_pages_linked_from_their_credits(client):
    call_command("demo_setup", stdout=StringIO())
    article = Article.objects.get(slug="malignant-spinal-cord-compression")
    [credit] = article.live_publication.reviewer_credits
    page = client.get(f"/reviewers/{credit['reviewer_id']}/").content.decode()
    assert "Demo Teaching Hospital" in page and article.live_publication.title in page
    assert f'href="/reviewers/{credit["reviewer_id"]}/"' in client.get(article.get_absolute_url()).content.decode()


def test_demo_setup_refuses_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="never runs in production"):
        call_command("demo_setup", stdout=StringIO())
