"""The article desk's own change-list filters take any query-string value without failing."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_assignment, make_reviewer

CHANGELIST = reverse("admin:articles_article_changelist")
pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_reviewer_filter_selects_the_reviewers_articles(desk, editor):
    reviewer = make_reviewer("dr-filter")
    assigned = make_article(status="submitted", title="Assigned article")
    make_article(status="submitted", title="Other article")
    make_assignment(article=assigned, reviewer=reviewer, assigned_by=editor)
    response = desk.get(CHANGELIST, {"reviewer": str(reviewer.pk)})
    assert [a.pk for a in response.context["cl"].result_list] == [assigned.pk]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("reviewer", "\u00b2"),  # superscript two: str.isdigit() says yes, int() says no
        ("reviewer", "\u0661"),  # Arabic-Indic one
        ("reviewer", "\uff11"),  # fullwidth one
        ("reviewer", "-1"),
        ("reviewer", "1.5"),
        ("overdue", "\u00b2"),
        ("rereview", "\u00b3\u2070"),
    ],
)
def test_odd_filter_values_give_the_unfiltered_list_not_a_500(desk, parameter, value):
    make_reviewer("dr-listed")  # the reviewer filter is only offered once there is an active reviewer
    make_article(status="submitted", title="Any article")
    response = desk.get(CHANGELIST, {parameter: value})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("parameter", ["reviewer", "overdue", "rereview", "published"])
def test_a_nul_byte_in_a_filter_is_a_400_naming_it(desk, parameter):
    make_reviewer("dr-listed")
    response = desk.get(CHANGELIST, {parameter: "\x00"})
    assert response.status_code == 400
    assert f"'{parameter}' contains a NUL byte".encode() in response.content


def test_a_reviewer_id_beyond_any_row_finds_nothing(desk):
    make_reviewer("dr-listed")
    make_article(status="submitted", title="Any article")
    response = desk.get(CHANGELIST, {"reviewer": "9" * 30})
    assert response.status_code == 200 and response.context["cl"].result_count == 0
