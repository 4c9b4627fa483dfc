"""What keeps the editors' lists fast on a large site: a capped count on the article change list,
a search with no repeated rows, and the editors' desk showing the first rows of each list."""

import pytest
from django.urls import reverse

from articles.models import Article
from reviews.admin import selectors as desk_reads
from reviews.admin.articles import ArticleAdmin, CappedCountPaginator
from tests.factories import CLEAN_REFERENCES, make_article, make_reviewer

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
