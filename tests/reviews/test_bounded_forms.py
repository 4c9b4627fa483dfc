"""Bounded work per request: a change form claiming too many reference forms is refused before
any form is built."""

import pytest
from django.urls import reverse

from articles.models import Article
from reviews.admin.references import REFERENCE_FORMS_MAX
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("claimed", [1000, 32768])
def test_too_many_reference_forms_are_refused_without_building_them(client, django_assert_max_num_queries, claimed):
    client.force_login(make_user("bounded-editor", roles=["editor"]))
    article = make_article()
    data = {
        "title": article.title, "summary": article.summary, "body": article.body + "\nMore.\n",
        "topic": article.topic_id, "audience": article.audience, "variant_of": "", "next_review_due": "",
        "change_reason": "Many references", "expected_revision": article.revision,
        "expected_version": article.version, "references-TOTAL_FORMS": str(claimed),
        "references-INITIAL_FORMS": "0", "references-MIN_NUM_FORMS": "0", "references-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    with django_assert_max_num_queries(60):
        response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert f"Please submit at most {REFERENCE_FORMS_MAX} forms" in response.content.decode()
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms == []  # nothing of the claimed count was built
    assert len(response.content) < 500_000
    assert Article.objects.get(pk=article.pk).revision == article.revision
