"""Online checks always happen: an offline gate report is followed by the registries' answer."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, ValidationReport
from articles.validation import reports
from reviews.exceptions import TransitionNotAllowed
from reviews.workflow import gate
from reviews.workflow import transitions as workflow
from tests.articles.validation.standin import closed_port_url, standin
from tests.factories import CLEAN_BODY, CLEAN_REFERENCES, make_approval, make_article, make_assignment, make_reviewer

pytestmark = pytest.mark.django_db

RETRACTED = dict(CLEAN_REFERENCES[0], doi="10.5555/notice.only", pmid="")


@pytest.fixture
def approved_article(db):
    """Under review with its approval in place; reference 1 is retracted, which only a registry knows."""
    article = make_article(
        body=CLEAN_BODY, references=[RETRACTED, CLEAN_REFERENCES[1]], status=Article.Status.UNDER_REVIEW
    )
    reviewer = make_reviewer("online")
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    return article, reviewer


@pytest.fixture
def registries_at(settings, monkeypatch):
    """Point the registry settings at a base URL; resolver backoff does not wait (time is faked)."""
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    settings.RESOLVERS_ENABLED = True

    def point(url):
        settings.CROSSREF_API_URL, settings.NCBI_EUTILS_URL = f"{url}/works/", f"{url}/eutils/"

    return point


def test_offline_gate_report_is_followed_by_the_online_check_which_blocks_approval(
    approved_article, registries_at, django_capture_on_commit_callbacks
):
    article, reviewer = approved_article
    with standin() as (url, requests):
        registries_at(url)
        with django_capture_on_commit_callbacks(execute=True):
            offline = gate.current_report(article=article)  # as the reviewer page does, under no lock here
            assert (offline.resolvers_used, offline.consulted_at) == (False, None)
            assert gate.registries_note(article=article) == "registries not consulted yet"
            assert requests == []  # nothing asked before commit
        assert requests  # the online check ran after commit
    online = reports.latest_report(revision=offline.revision)
    assert online.pk != offline.pk and online.resolvers_used and online.consulted_at is not None
    registries = [(r["registry"], r["error"]) for r in online.registries]
    assert registries == [("Crossref", ""), ("NCBI", ""), ("NLM Catalog", "")]
    assert gate.registries_note(article=article) is None
    [blocking] = gate.blocking_findings(article=article)
    assert (blocking["rule"], blocking["reference"]) == ("reference-retracted", 1)
    assert "https://doi.org/10.5555/notice.only.retraction" in blocking["message"]
    with pytest.raises(TransitionNotAllowed, match="reference-retracted: Reference 1 has been retracted"):
        workflow.approve(article=article, actor=reviewer.user)


def test_outage_keeps_the_offline_report_and_blocks_nothing(
    approved_article, registries_at, django_capture_on_commit_callbacks
):
    article, reviewer = approved_article
    registries_at(closed_port_url())
    with django_capture_on_commit_callbacks(execute=True):
        offline = gate.current_report(article=article)
    assert ValidationReport.objects.get() == offline  # the outage stored nothing over it
    assert gate.blocking_findings(article=article) == []
    assert gate.registries_note(article=article) == "registries not consulted yet"
    assert workflow.approve(article=article, actor=reviewer.user).status == Article.Status.APPROVED


def test_outage_is_retried_with_backoff_and_a_later_answer_replaces_the_offline_report(
    approved_article, registries_at, tasks
):
    article, _ = approved_article
    revision = article.revisions.get(number=article.revision)
    offline = reports.report_create(revision=revision, use_resolvers=False)
    registries_at(closed_port_url())
    before = timezone.now()
    assert reports.validate_revision.call(revision.pk) == offline.pk
    [retry] = tasks.results
    assert retry.kwargs == {"revision_id": revision.pk, "attempt": 1}
    assert before + timedelta(minutes=1) <= retry.task.run_after <= timezone.now() + timedelta(minutes=1)
    with standin() as (url, _):
        registries_at(url)
        online_id = reports.validate_revision.call(revision.pk, attempt=1)
    online = ValidationReport.objects.get(pk=online_id)
    assert online.consulted_at is not None and "reference-retracted" in {f["rule"] for f in online.findings}
    assert len(tasks.results) == 1  # consulted: no further retry
    # Once consulted, the task leaves the revision alone.
    assert reports.validate_revision.call(revision.pk) == online_id


def test_partial_outage_stores_what_answered_and_names_the_failure(approved_article, registries_at, settings, tasks):
    article, _ = approved_article
    revision = article.revisions.get(number=article.revision)
    with standin() as (url, _):
        registries_at(url)
        settings.NCBI_EUTILS_URL = f"{closed_port_url()}/eutils/"
        report = reports.report_check_online(revision=revision)
    [crossref, ncbi, catalog] = report.registries
    assert crossref["answered_at"] and not crossref["error"]
    assert ncbi["registry"] == "NCBI" and not ncbi["answered_at"] and "could not be reached" in ncbi["error"]
    # The NLM Catalog is reached through the same E-utilities address: not answered, so no index finding.
    assert catalog["registry"] == "NLM Catalog" and not catalog["answered_at"]
    assert "could not be reached" in catalog["error"]
    rules = {f["rule"] for f in report.findings}
    assert report.consulted_at is None and "reference-retracted" in rules and "source-not-indexed" not in rules
    note = gate.registries_note(article=article)
    assert note.startswith("registries not consulted yet: NCBI (127.0.0.1 could not be reached") and note.endswith(
        "did not answer"
    )
    assert "; NLM Catalog (127.0.0.1 could not be reached" in note


def test_with_resolvers_off_the_offline_report_is_the_normal_one(approved_article, settings, tasks):
    article, _ = approved_article
    settings.RESOLVERS_ENABLED = False
    report = gate.current_report(article=article)
    assert gate.registries_note(article=article) is None
    assert reports.validate_revision.call(report.revision_id) == report.pk
    assert tasks.results == []


def test_expression_of_concern_blocks_until_an_editor_in_chief_acknowledges_it(
    registries_at, chief, django_capture_on_commit_callbacks
):
    concern = dict(CLEAN_REFERENCES[0], doi="10.5555/concern", pmid="")
    article = make_article(
        body=CLEAN_BODY, references=[concern, CLEAN_REFERENCES[1]], status=Article.Status.UNDER_REVIEW
    )
    reviewer = make_reviewer("concerned")
    make_approval(assignment=make_assignment(article=article, reviewer=reviewer))
    with standin() as (url, _):
        registries_at(url)
        with django_capture_on_commit_callbacks(execute=True):
            gate.current_report(article=article)
    [blocking] = gate.blocking_findings(article=article)
    assert blocking["rule"] == "reference-concern" and "https://doi.org/10.5555/concern.eoc" in blocking["message"]
    with pytest.raises(TransitionNotAllowed, match="reference-concern"):
        workflow.approve(article=article, actor=reviewer.user)
    workflow.override_validation(
        article=article, actor=chief, keys=[blocking["key"]], reason="The concern is about a figure we do not cite"
    )
    assert workflow.approve(article=article, actor=reviewer.user).status == Article.Status.APPROVED
