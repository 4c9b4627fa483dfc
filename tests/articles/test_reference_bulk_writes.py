"""References are written in bulk with their history rows, inside the one transaction of a content change."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, Reference
from articles.revisions import Content, article_create, content_apply, content_of
from tests.factories import make_user

COUNT = 2_000


def _refs(count: int, *, tag: str = "") -> list[dict]:
    return [
        {"number": n, "kind": "cohort", "authors": f"Author{n} A", "title": f"Cohort study {n}{tag}",
         "source": "J Test Med", "year": 2000 + n % 25, "raw": f"Author{n} A. Cohort study {n}{tag}."}
        for n in range(1, count + 1)
    ]  # fmt: skip


@pytest.fixture
def author(db):
    return make_user("bulk-author", roles=["author"])


def test_thousands_of_references_are_created_in_a_few_queries_each_with_its_history(
    author, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        article = article_create(title="Many references", slug="many-references", author=author, actor=author,
                                 reason="import", body="Claim [1].", references=_refs(COUNT))  # fmt: skip
    assert article.references.count() == COUNT
    history = Reference.history.filter(article_id=article.pk)
    assert history.count() == COUNT
    assert set(history.values_list("history_type", "history_user", "history_change_reason").distinct()) == {
        ("+", author.pk, "create: import")
    }
    assert content_of(article).references == Content(title="x", references=_refs(COUNT)).normalised().references


def test_an_edit_writes_history_only_for_the_references_it_changes(author, django_assert_max_num_queries):
    article = article_create(title="Edited", slug="edited", author=author, actor=author, reason="import",
                             body="Claim [1].", references=_refs(COUNT))  # fmt: skip
    refs = _refs(COUNT)
    for ref in refs[:300]:
        ref["title"] += " (corrected)"
    refs = refs[:-10]  # ten removed
    with django_assert_max_num_queries(60):
        content_apply(article=article, content=Content(title="Edited", body="Claim [1].", references=refs),
                      actor=author, reason="corrections")  # fmt: skip
    changed = Reference.history.filter(article_id=article.pk, history_change_reason="edit: corrections")
    assert changed.filter(history_type="~").count() == 300
    assert changed.filter(history_type="-").count() == 10
    assert Reference.objects.get(article=article, number=1).title == "Cohort study 1 (corrected)"
    assert article.references.count() == COUNT - 10


def test_one_bad_reference_writes_nothing(author):
    refs = _refs(500)
    refs[400]["kind"] = "not-a-kind"
    with pytest.raises(ValidationError):
        article_create(title="Refused", slug="refused", author=author, actor=author, reason="import",
                       references=refs)  # fmt: skip
    assert not Article.objects.filter(slug="refused").exists()
    assert not Reference.history.filter(title="Cohort study 1").exists()
