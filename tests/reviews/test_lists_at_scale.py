"""What keeps the editors' lists fast on a large site: a capped count on the article change list,
a search with no repeated rows, and the editors' desk showing the first rows of each list."""

import re

import pytest
from django.urls import reverse

from articles.models import Article
from reviews.admin import selectors as desk_reads
from reviews.admin.articles import ArticleAdmin, CappedCountPaginator
from tests.factories import CLEAN_REFERENCES, make_article, make_publication, make_reviewer

S = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")
pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


def test_the_article_list_counts_up_to_its_cap_and_says_so(desk, author, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 3)
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    for _ in range(5):
        make_article(author=author)
    response = desk.get(CHANGELIST)
    changelist = response.context["cl"]
    assert changelist.result_count == 3 and changelist.paginator.capped
    assert changelist.full_result_count is None  # no second COUNT over every article
    html = response.content.decode()
    assert "3+ articles" in html and "Select all 3+ articles" in html
    assert response.context["selection_note_all"] == "All 3+ selected"


def test_under_the_cap_the_article_list_gives_the_exact_count(desk, author):
    for _ in range(2):
        make_article(author=author)
    response = desk.get(CHANGELIST)
    assert response.context["cl"].result_count == 2 and not response.context["cl"].paginator.capped
    assert "2 articles" in response.content.decode() and "2+" not in response.content.decode()


def test_a_word_search_counts_only_to_the_page_after_the_one_shown(desk, author, monkeypatch):
    monkeypatch.setattr(ArticleAdmin, "list_per_page", 2)
    for i in range(9):
        make_article(author=author, title=f"Cauda equina {i}")
    make_article(author=author, title="Spinal cord")
    first = desk.get(CHANGELIST, {"q": "cauda"}).context["cl"]
    assert (first.result_count, first.paginator.capped, len(first.result_list)) == (4, True, 2)  # "4+ articles"
    third = desk.get(CHANGELIST, {"q": "cauda", "p": "3"})
    assert third.status_code == 200
    cl = third.context["cl"]
    assert (cl.result_count, cl.paginator.capped, len(cl.result_list)) == (8, True, 2)
    last = desk.get(CHANGELIST, {"q": "cauda", "p": "5"}).context["cl"]
    assert (last.result_count, last.paginator.capped, len(last.result_list)) == (9, False, 1)  # the exact count
    assert not desk.get(CHANGELIST).context["cl"].paginator.capped  # no search: the usual cap (10,000)
    for bad in ("x", "0", "9" * 20):  # a bad or huge page number: the change list's own answer, never a 500
        assert desk.get(CHANGELIST, {"q": "cauda", "p": bad}).status_code in (200, 302)


def test_search_finds_a_doi_in_any_case_once_and_every_word(desk, author):
    doi = "10.1000/Scale.7"
    references = [{**CLEAN_REFERENCES[0], "doi": doi}, {**CLEAN_REFERENCES[1], "doi": doi}]
    cited = make_article(author=author, title="Cauda equina syndrome", references=references)
    make_article(author=author, title="Cauda equina imaging")
    assert list(desk_reads.search_for_desk(Article.objects.all(), terms=doi.lower())) == [cited]
    found = desk_reads.search_for_desk(Article.objects.all(), terms="cauda SYNDROME")
    assert list(found) == [cited]
    response = desk.get(CHANGELIST, {"q": doi.upper()})
    assert [a.pk for a in response.context["cl"].result_list] == [cited.pk]


def test_the_editors_desk_shows_the_first_rows_of_a_list_and_says_there_are_more(desk, author, monkeypatch):
    monkeypatch.setattr(desk_reads, "DESK_LIST_LIMIT", 1)
    waiting = [make_article(author=author, status=S.SUBMITTED) for _ in range(2)]
    board = desk_reads.dashboard_for_editor(user=desk.get("/review/desk/").wsgi_request.user)
    assert len(board.waiting) == 1 and board.waiting[0] in waiting and "waiting" in board.more
    assert "overdue" not in board.more
    html = desk.get("/review/desk/").content.decode()
    assert 'aria-label="1+ need a reviewer: list the articles">1+</a>' in html
    assert "Each list shows its first 1" in html


def test_the_reviewer_filter_offers_the_first_reviewers_and_the_one_chosen(desk, monkeypatch):
    from reviews.admin.filters import ReviewerFilter

    monkeypatch.setattr(ReviewerFilter, "MAX_CHOICES", 1)
    first, second = make_reviewer("dr-aaron"), make_reviewer("dr-zoe")  # listed by name: Aaron first
    html = desk.get(CHANGELIST).content.decode()
    assert f"?reviewer={first.pk}" in html and f"?reviewer={second.pk}" not in html
    html = desk.get(CHANGELIST, {"reviewer": str(second.pk)}).content.decode()
    assert f"?reviewer={first.pk}" in html and f"?reviewer={second.pk}" in html


def _publication_filter(client, state: str) -> list[int]:
    response = client.get(CHANGELIST, {"published": state})
    assert response.status_code == 200
    return sorted(a.pk for a in response.context["cl"].result_list)


def test_the_publication_filter_reads_what_readers_see_from_the_article_row(desk, editor, author):
    from reviews.publishing import records
    from reviews.publishing import services as publishing

    never = make_article(author=author)
    live = make_article(author=author, status=S.APPROVED)
    publishing.publish(article=live, actor=editor, reason="approved")
    early = make_article(author=author, status=S.UNDER_REVIEW)  # live before the board's approval
    records.put_live(article=early, revision=early.revisions.get(), actor=editor, reason="urgent", provisional=True)
    gone = make_article(author=author, status=S.APPROVED)
    publishing.publish(article=gone, actor=editor, reason="approved")
    publishing.unpublish(article=gone, actor=editor, reason="evidence re-checked")
    back = make_article(author=author, status=S.APPROVED)  # withdrawn once, live again: published
    publishing.publish(article=back, actor=editor, reason="approved")
    publishing.unpublish(article=back, actor=editor, reason="evidence re-checked")
    publishing.publish(article=back, actor=editor, reason="re-checked, sound")
    states = dict(Article.objects.values_list("pk", "live_state"))
    assert states == {never.pk: "", live.pk: "published", early.pk: "provisional", gone.pk: "withdrawn",
                      back.pk: "published"}  # fmt: skip
    assert _publication_filter(desk, "published") == sorted([live.pk, back.pk])
    assert _publication_filter(desk, "provisional") == [early.pk]
    assert _publication_filter(desk, "withdrawn") == [gone.pk]
    assert _publication_filter(desk, "unpublished") == sorted([never.pk, gone.pk])
    assert _publication_filter(desk, "everything") == sorted(states)  # an unknown choice filters nothing


def test_the_live_state_of_existing_articles_is_copied_from_their_publications(editor, author):
    from django.apps import apps

    from reviews.publishing import services as publishing

    migration = __import__("articles.migrations.0020_admin_list_indexes", fromlist=["copy_live_state"])
    live, gone, never = (make_article(author=author, status=S.APPROVED) for _ in range(3))
    publishing.publish(article=live, actor=editor, reason="approved")
    publishing.publish(article=gone, actor=editor, reason="approved")
    publishing.unpublish(article=gone, actor=editor, reason="evidence re-checked")
    Article.objects.update(live_state="")  # as the rows stood before the column
    migration.copy_live_state(apps, None)
    assert dict(Article.objects.values_list("pk", "live_state")) == {
        live.pk: "published",
        gone.pk: "withdrawn",
        never.pk: "",
    }


def _queries(client, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(CHANGELIST, params).status_code == 200
    return len(captured.captured_queries)


FILTERED_PAGES = [{"published": state} for state in ("published", "provisional", "unpublished", "withdrawn")] + [
    {"overdue": "yes"}, {"rereview": "due"}, {"rereview": "30"}, {"q": "cauda equina"}, {"status__exact": "approved"}
]  # fmt: skip


def test_each_filtered_change_list_runs_the_same_queries_with_more_articles(desk, editor, author):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_assignment, make_publication

    reviewer = make_reviewer("dr-scale")

    def grow(count: int) -> None:
        for i in range(count):
            for status, provisional in ((S.APPROVED, False), (S.UNDER_REVIEW, True)):
                article = make_article(author=author, status=status, title=f"Cauda equina {status} {i}")
                make_publication(article=article, provisional=provisional)
                Article.objects.filter(pk=article.pk).update(next_review_due=timezone.localdate())
            late = make_article(author=author, status=S.UNDER_REVIEW, title=f"Cauda equina late {i}")
            make_assignment(article=late, reviewer=reviewer, due_at=timezone.now() - timedelta(days=1))

    grow(1)
    before = {str(params): _queries(desk, params) for params in FILTERED_PAGES}
    grow(4)
    after = {str(params): _queries(desk, params) for params in FILTERED_PAGES}
    assert after == before
    plain = _queries(desk, {})
    assert max(after.values()) <= plain + 1, (
        after
    )  # a filter joins nothing per row; a search adds its reference look-up


def test_the_scale_seed_fills_a_page_of_each_filtered_list_at_every_size_and_keeps_its_proportions():
    from bench import _scale_site as site

    for n, shares in ((1000, None), (100_000, {"provisional": 919, "withdrawn": 2000, "topic": 5200})):
        ids = range(1, n + 1)
        live = [i for i in ids if i % 10 <= 6]
        kinds = {
            "provisional": sum(site._provisional(i, n) for i in live),
            "withdrawn": sum(site._withdrawn(i, n) and i not in live for i in ids),
            "topic": sum(site._floored(i, n, 2) or i % site.TOPICS == 1 for i in ids),
            "words": sum("Cervical tumour" in site._title(i, n) for i in ids),
            "due": sum(site._STATUS[i % 10] == S.APPROVED and site._review_in_days(i, n) <= 0 for i in ids),
        }
        assert min(kinds.values()) >= site.FLOOR  # two pages of the change list, at every size
        if shares:  # at 100,000 the proportions rule: 1 live publication in 97 provisional, 2 % withdrawn
            assert {kind: kinds[kind] for kind in shares} == shares


def test_the_scale_bench_counts_the_rows_a_page_shows(desk, author):
    from bench._scale_site import rows_shown

    for _ in range(3):
        make_article(author=author)
    assert rows_shown(desk.get(CHANGELIST)) == 3
    assert rows_shown(desk.get(CHANGELIST, {"published": "published"})) == 0


def test_the_change_list_counts_the_filtered_articles_without_the_tables_of_its_columns(desk, editor, author):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_publication

    early = make_article(author=author, status=S.UNDER_REVIEW)
    make_publication(article=early, provisional=True)
    make_article(author=author)
    with CaptureQueriesContext(connection) as captured:
        response = desk.get(CHANGELIST, {"published": "provisional"})
    count = next(q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))
    assert "articles_publication" not in count and "articles_validationreport" not in count
    (row,) = response.context["cl"].result_list
    assert row.pk == early.pk  # with the page's columns: the report counts, the reviewers
    assert (row.live_state, row.report_errors, row.desk_assignments) == ("provisional", None, [])


def test_the_change_list_says_which_live_revision_is_provisional(desk, author):
    approved = make_article(title="Steroids before radiotherapy", author=author, status=Article.Status.APPROVED)
    make_publication(article=approved)
    provisional = make_article(title="Surgery for cord compression", author=author, status=Article.Status.UNDER_REVIEW)
    make_publication(article=provisional, provisional=True)
    page = desk.get(CHANGELIST).content.decode()
    cells = re.findall(r'<td class="field-live_revision_shown">(.*?)</td>', page)
    assert sorted(cells) == ["1", "1 (provisional)"]
