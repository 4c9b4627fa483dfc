"""The article change list's counts: capped, so a page's COUNT stops early however large the site grows
(README "Lists at 100,000 articles")."""

from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.paginator import Paginator

from articles.parsing import BadValue, parse_int
from reviews.admin import selectors as desk


class DeskChangeList(ChangeList):
    """The article change list: its filters, search and order apply to the articles alone, then the page gets
    its columns (``articles_for_desk``: the live publication's flag, the report counts, the reviewers). The
    capped count reads the filtered articles without those columns, so it joins none of their tables: an
    index-only scan where the filter has an index (a join, even one PostgreSQL then drops, reads the rows)."""

    def get_queryset(self, request, exclude_parameters=None):
        articles = super().get_queryset(request, exclude_parameters)
        shown = desk.articles_for_desk(articles)
        shown.counted = articles  # what CappedCountPaginator counts: the same rows
        return shown


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows (then the list says "10,000+"): a change list's COUNT over every
    matching article grows with the site, this one stops at the cap. Pages past the cap are still
    reachable by narrowing the filters or the search."""

    COUNT_CAP = 10_000
    capped = False

    def __init__(self, *args, count_cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_cap = count_cap or self.COUNT_CAP

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            rows = getattr(self.object_list, "counted", self.object_list)  # DeskChangeList: without the columns
            found = rows.order_by().values("pk")[: self.count_cap + 1].count()
            self.capped = found > self.count_cap
            self._capped_count = min(found, self.count_cap)
        return self._capped_count


def search_count_cap(request, per_page: int) -> int | None:
    """A word search counts its matches only up to the page after the one shown ("200+ articles" on page 1),
    so its count stops after a page or two of matches instead of reading every match of each word's
    trigram index (which grows with the site); each next page counts one page further. None: no search."""
    if not request.GET.get(SEARCH_VAR, "").strip():
        return None
    try:
        page = parse_int(request.GET.get(PAGE_VAR, "1"), name=PAGE_VAR, low=1)
    except BadValue:
        page = 1  # the change list answers a bad page number itself
    return min((page + 1) * per_page, CappedCountPaginator.COUNT_CAP)  # never past the change list's own cap
