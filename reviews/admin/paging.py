"""The article change list's counts: capped, so a page's COUNT stops early however large the site grows
(README "Lists at 100,000 articles")."""

from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.core.paginator import Paginator

from articles.parsing import BadValue, parse_int


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
            found = self.object_list.order_by().values("pk")[: self.count_cap + 1].count()
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
