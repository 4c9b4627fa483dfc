"""Reviewers are guided: Approve is shown disabled with the reason while errors block it, the
errors sit beside the form (linked from the top) and identical findings are grouped with their lines."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from articles.validation.reports import report_create
from reviews.assignments import services as assignments
from tests.factories import make_article, make_reviewer

pytestmark = pytest.mark.django_db
BODY = (
    "Radiotherapy is the usual first treatment [1].\n\n"
    "Surgery suits selected patients [4].\n\n"
    "Walking improves after surgery [4].\n"
)


@pytest.fixture
def blocked(editor, author, client):
    article = make_article(author=author, status=Article.Status.SUBMITTED, body=BODY)
    report_create(revision=article.revisions.get(number=1))
    reviewer = make_reviewer("guided")
    invited = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
    )
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    client.force_login(reviewer.user)
    return client, invited


def test_approve_is_disabled_with_the_reason_while_errors_block_it(blocked):
    client, invited = blocked
    html = client.get(f"/review/assignments/{invited.pk}/").content.decode()
    approve = re.search(r'<input[^>]*value="approve"[^>]*>', html)[0]
    assert "disabled" in approve and 'aria-describedby="approve-blocked"' in approve
    changes = re.search(r'<input[^>]*value="request_changes"[^>]*>', html)[0]
    assert "disabled" not in changes
    assert 'id="approve-blocked"' in html and "Approve is not available" in html
    assert 'href="#decision-blockers"' in html and 'id="decision-blockers"' in html


def test_identical_findings_are_grouped_with_their_lines(blocked):
    client, invited = blocked
    html = client.get(f"/review/assignments/{invited.pk}/").content.decode()
    aside = html[html.index('id="decision-blockers"') :]
    aside = aside[: aside.index("</aside>")]
    assert aside.count('data-rule="citation-missing-reference"') == 1
    assert "2 times:" in aside and "body line 3" in aside and "body line 5" in aside


def test_a_page_without_errors_offers_approve(client, editor, author):
    article = make_article(author=author, status=Article.Status.SUBMITTED)
    report_create(revision=article.revisions.get(number=1))
    reviewer = make_reviewer("clean")
    invited = assignments.assignment_create(
        article=article, reviewer=reviewer, actor=editor, due_at=timezone.now() + timedelta(days=7)
    )
    assignments.assignment_accept(assignment=invited, actor=reviewer.user, conflict="none")
    client.force_login(reviewer.user)
    html = client.get(f"/review/assignments/{invited.pk}/").content.decode()
    assert "disabled" not in re.search(r'<input[^>]*value="approve"[^>]*>', html)[0]
    assert "approve-blocked" not in html
