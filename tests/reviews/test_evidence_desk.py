"""The evidence on the desk: "registries not consulted yet" where findings are shown, the evidence
watch's last run, and swapping a cited preprint for its published version in a new revision."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from articles.validation import reports
from reviews.assignments import services as assignments
from reviews.exceptions import TransitionNotAllowed
from reviews.jobs.evidence import evidence_watch
from reviews.jobs.models import EvidenceWatchRun
from reviews.workflow.swaps import reference_swap
from tests.articles.validation.standin import closed_port_url
from tests.articles.validation.test_resolvers import Recorder, resolver_for
from tests.factories import CLEAN_REFERENCES, make_article, make_reviewer
from tests.reviews.test_evidence import RETRACTED_DOI, _published

pytestmark = pytest.mark.django_db
S = Article.Status
PREPRINT = {
    "number": 1,
    "kind": "cohort",
    "authors": "Example A.",
    "title": "Prone positioning in awake patients with hypoxaemia",
    "source": "medRxiv",
    "year": 2020,
    "doi": "10.1101/2020.04.01.20050000",
    "raw": "Example A. Prone positioning in awake patients with hypoxaemia. medRxiv. 2020. "
    "doi:10.1101/2020.04.01.20050000",
}
PUBLISHED = "10.5555/prone.published"


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _last(response) -> str:
    return _messages(response)[-1]


@pytest.fixture
def offline_then_online(settings):
    """Resolvers on, pointed at a closed port: a stored offline report stays the newest, nothing is fetched."""
    settings.CROSSREF_API_URL = f"{closed_port_url()}/works/"
    settings.NCBI_EUTILS_URL = f"{closed_port_url()}/eutils/"

    def switch_on():
        settings.RESOLVERS_ENABLED = True

    return switch_on


def test_registries_not_consulted_yet_is_shown_on_the_review_page_and_the_change_page(
    client, editor, author, offline_then_online
):
    article = make_article(author=author, status=S.SUBMITTED)
    reports.report_create(revision=article.revisions.get(number=1), use_resolvers=False)
    reviewer = make_reviewer("noted")
    invited = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
    )
    client.force_login(reviewer.user)
    review_url = reverse("reviews:assignment", args=[invited.pk])
    assert 'data-testid="registries-note"' not in client.get(review_url).content.decode()  # resolvers off: normal

    offline_then_online()
    page = client.get(review_url).content.decode()
    assert "Reference report: registries not consulted yet." in page
    client.force_login(editor)
    change = client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert 'data-testid="registries-note"' in change and "Registries not consulted yet" in change


def test_the_desk_shows_what_the_last_evidence_watch_run_found(client, editor):
    client.force_login(editor)
    desk_url = reverse("admin:articles_article_desk")
    assert "The evidence watch has not run yet" in client.get(desk_url).content.decode()
    retracted = _published(doi=RETRACTED_DOI)
    _published(doi="10.1200/jco.1998.16.4.1613")

    evidence_watch(resolver=resolver_for(Recorder()))

    run = EvidenceWatchRun.objects.get()
    assert (run.checked, run.unanswered, run.rereviews_started) == (2, 0, 1)
    found = {
        item["article_id"]: {(f["reference"], f["rule"], f["severity"]) for f in item["findings"]} for item in run.found
    }
    assert (1, "reference-retracted", "error") in found[retracted.pk]
    assert all(severity == "warning" for pk, rows in found.items() if pk != retracted.pk for _, _, severity in rows)
    page = client.get(desk_url).content.decode()
    assert "2 live articles checked" in page and "1 re-review started" in page
    assert retracted.title in page and "error: reference-retracted, reference 1" in page
    dashboard = client.get(reverse("reviews:desk")).content.decode()
    assert 'data-testid="evidence-watch"' in dashboard and "2 live articles checked" in dashboard
    assert "error: reference-retracted, reference 1" in dashboard


def test_an_outage_run_is_recorded_as_unanswered_and_finds_nothing(client, editor):
    _published(doi=RETRACTED_DOI)
    evidence_watch(resolver=resolver_for(Recorder(timeout_hosts={"api.crossref.org", "eutils.ncbi.nlm.nih.gov"})))
    run = EvidenceWatchRun.objects.get()
    assert (run.checked, run.unanswered, run.found, run.rereviews_started) == (1, 1, [], 0)
    client.force_login(editor)
    assert "1 not answered by any registry" in client.get(reverse("admin:articles_article_desk")).content.decode()


@pytest.fixture
def preprinted(author):
    """An approved article citing a preprint whose report (from the registries) names its published version."""
    article = make_article(author=author, status=S.APPROVED, references=[PREPRINT, CLEAN_REFERENCES[1]])
    revision = article.revisions.get(number=1)
    report = reports.report_create(revision=revision, use_resolvers=True, resolver=resolver_for(Recorder()))
    assert any(PUBLISHED in f["message"] for f in report.findings if f["rule"] == "reference-preprint")
    return article


def _swap(client, article, **data):
    return client.post(reverse("admin:articles_article_swap_reference", args=[article.pk]), data)


def test_swap_reference_makes_a_new_revision_through_the_workflow_with_the_reason(client, editor, preprinted):
    client.force_login(editor)
    change = client.get(reverse("admin:articles_article_change", args=[preprinted.pk])).content.decode()
    assert 'data-testid="swap-reference"' in change and "Reference 1 was published as" in change

    response = _swap(client, preprinted, number="1", expected_revision="1", reason="the trial is now in print")

    assert response.status_code == 302
    assert _messages(response) == ["Revision 2 cites the published version in place of preprint reference 1."]
    preprinted.refresh_from_db()
    assert (preprinted.revision, preprinted.status) == (2, S.SUBMITTED)  # an approved article goes back to review
    new = preprinted.revisions.get(number=2)
    [swapped, kept] = new.references
    assert (swapped["number"], swapped["kind"], swapped["doi"]) == (1, "cohort", PUBLISHED)
    assert kept["doi"] == CLEAN_REFERENCES[1].get("doi", "") and kept["pmid"] == CLEAN_REFERENCES[1]["pmid"]
    assert new.reason == (
        f"reference 1: preprint {PREPRINT['doi']} swapped for its published version {PUBLISHED}: "
        "the trial is now in print"
    )
    assert new.body == preprinted.revisions.get(number=1).body
    assert preprinted.transitions.filter(transition="reopen").exists()


def test_swap_reference_refuses_bad_input_and_changes_nothing(client, editor, author, preprinted):
    client.force_login(editor)
    no_offer = _swap(client, preprinted, number="2", reason="r")
    assert "names no published version of reference 2" in _last(no_offer)
    no_reason = _swap(client, preprinted, number="1", reason="")
    assert _last(no_reason).startswith("Nothing was changed: ")
    not_a_number = _swap(client, preprinted, number="one", reason="r")
    assert _last(not_a_number).startswith("Nothing was changed: ")
    stale = _swap(client, preprinted, number="1", expected_revision="3", reason="r")
    assert "changed while you were editing" in _last(stale)
    assert client.get(reverse("admin:articles_article_swap_reference", args=[preprinted.pk])).status_code == 405
    preprinted.refresh_from_db()
    assert preprinted.revision == 1

    client.force_login(author)  # an author without editor rights
    assert _swap(client, preprinted, number="1", reason="r").status_code in (302, 403)
    preprinted.refresh_from_db()
    assert preprinted.revision == 1


def test_reference_swap_needs_a_reason_and_an_offer():
    article = make_article(references=[dict(PREPRINT)], status=S.DRAFT)
    with pytest.raises(TransitionNotAllowed, match="a reason is required"):
        reference_swap(article=article, actor=article.author, number=1, reason=" ")
    with pytest.raises(TransitionNotAllowed, match="names no published version of reference 1"):
        reference_swap(article=article, actor=article.author, number=1, reason="offline report only")
