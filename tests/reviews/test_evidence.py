"""The evidence watch: a live article citing newly retracted work goes back for re-review."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, Publication
from reviews.jobs.evidence import evidence_watch
from reviews.models import TransitionLog
from reviews.notifications import editor_emails
from tests.articles.validation.test_resolvers import Recorder, resolver_for
from tests.factories import CLEAN_BODY, CLEAN_REFERENCES, make_article, make_user

pytestmark = pytest.mark.django_db

RETRACTED_DOI = "10.1021/am300292v"


def _published(*, doi: str, status=Article.Status.APPROVED) -> Article:
    references = [dict(CLEAN_REFERENCES[0], doi=doi, pmid=""), CLEAN_REFERENCES[1]]
    article = make_article(body=CLEAN_BODY, references=references, status=status)
    revision = article.revisions.get(number=article.revision)
    publication = Publication.objects.create(
        article=article, revision=revision, title=revision.title, rendered_html="<p>published</p>",
        references=revision.references, published_by=make_user(f"pub{article.pk}", roles=["editor"]),
        published_at=timezone.now(),
    )  # fmt: skip
    Article.objects.filter(pk=article.pk).update(
        live_publication=publication, live_revision=revision.number, live_title=publication.title
    )
    article.refresh_from_db()
    return article


def test_retracted_citation_starts_rereview_and_tells_editors_once(editor, django_capture_on_commit_callbacks):
    article = _published(doi=RETRACTED_DOI)
    clean = _published(doi="10.1200/jco.1998.16.4.1613")
    recorder = Recorder()

    with django_capture_on_commit_callbacks(execute=True):
        alerts = evidence_watch(resolver=resolver_for(recorder))

    assert [(a.article_id, a.references, a.rereview_started) for a in alerts] == [(article.pk, (1,), True)]
    article.refresh_from_db()
    assert article.status == Article.Status.SUBMITTED
    assert article.live_publication_id is not None  # readers keep the published version meanwhile
    log = TransitionLog.objects.get(article=article)
    assert (log.transition, log.actor) == ("start_rereview", None)
    assert "retracted since approval: reference 1" in log.reason
    notices = sorted(m.to[0] for m in mail.outbox if "Retracted work" in m.subject)
    assert notices == editor_emails() and editor.email in notices
    clean.refresh_from_db()
    assert clean.status == Article.Status.APPROVED

    with django_capture_on_commit_callbacks(execute=True):
        again = evidence_watch(resolver=resolver_for(recorder))
    assert [a.rereview_started for a in again] == [False]
    assert TransitionLog.objects.filter(article=article).count() == 1
    assert len([m for m in mail.outbox if "Retracted work" in m.subject]) == len(notices)


def test_outage_flags_nothing(editor):
    article = _published(doi=RETRACTED_DOI)
    resolver = resolver_for(Recorder(timeout_hosts={"api.crossref.org"}))
    assert evidence_watch(resolver=resolver) == []
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    assert not mail.outbox


def test_watch_is_off_without_resolvers(settings, capsys):
    settings.RESOLVERS_ENABLED = False
    _published(doi=RETRACTED_DOI)
    assert evidence_watch() == []
    call_command("watch_evidence")
    assert "Resolvers are off" in capsys.readouterr().out


def test_resolver_with_max_age_looks_up_stale_answers_again():
    from datetime import timedelta

    import httpx

    from articles.validation.resolvers import RegistryResolver

    recorder = Recorder()
    refs = [{"number": 1, "doi": RETRACTED_DOI}]
    cached = resolver_for(recorder)
    cached.resolve(references=refs), cached.resolve(references=refs)
    assert len(recorder.requests) == 3  # the work, the notices that update it, the NLM Catalog on its ISSNs
    fresh = RegistryResolver(transport=httpx.MockTransport(recorder), sleep=lambda s: None, max_age=timedelta(0))
    fresh.resolve(references=refs)
    assert len(recorder.requests) == 6
