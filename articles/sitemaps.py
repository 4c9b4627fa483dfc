"""sitemap.xml (an index) and its sections: the pages search engines may index, at their canonical SITE_URL addresses.

Provisional publications and articles past their re-review date are left out (they also carry
``noindex``); an article's ``lastmod`` is its newest correction or update (the page's
``dateModified``), or when the live publication went up if it has none.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.cache import cache
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from articles import reader, selectors
from articles.cdn import LISTS_KEY, cache_for_cdn


class _SiteUrlSitemap(Sitemap):
    """Addresses built from SITE_URL, like the pages' canonical links, whatever Host the request had."""

    limit = 50_000  # URLs per page: the protocol's maximum; /sitemap.xml is the index of the pages

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class _IdBlocks:
    """Pages of a queryset by blocks of ids: page p holds its items whose id is in ((p - 1) * per_page,
    p * per_page], so no page holds more than per_page items. The number of pages comes from the highest
    id (read from the primary key's index) and a page is one id range: neither counts the items nor skips
    the items of earlier pages, as Django's paginator (COUNT, then OFFSET) does."""

    def __init__(self, items, per_page: int, highest_id: int, keep=None):
        self.items, self.per_page, self.keep = items, per_page, keep
        self.num_pages = max(1, -(-highest_id // per_page))

    def page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results.")
        low = (number - 1) * self.per_page
        items = self.items.filter(pk__gt=low, pk__lte=low + self.per_page)
        return Page(items if self.keep is None else [item for item in items if self.keep(item)], number, self)


class ArticleSitemap(_SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return selectors.sitemap_articles(today=timezone.localdate())

    @property
    def paginator(self):
        # In id order within a page: one range of the primary key's index.
        return _IdBlocks(self.items().order_by("pk"), self.limit, selectors.highest_live_article_id())

    def lastmod(self, article):
        # The newest correction or update, as the page's dateModified; before any, when it went live.
        return article.last_change_at or article.live_publication.published_at


def _has_lastmod(topic) -> bool:
    # A topic whose live articles are all provisional has no lastmod: left out, like those articles.
    return topic.lastmod is not None


class TopicSitemap(_SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return selectors.sitemap_topics()

    @property
    def paginator(self):
        return _IdBlocks(self.items().order_by("pk"), self.limit, selectors.highest_topic_id(), _has_lastmod)

    def lastmod(self, topic):
        return topic.lastmod


class PageSitemap(_SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return ["articles:home", "articles:topics", "editorial_policy", "advertising_policy"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"articles": ArticleSitemap, "topics": TopicSitemap, "pages": PageSitemap}


# How long the index remembers each section's number of pages. The number changes once per 50,000
# articles: a page that appears is listed within this many seconds, and the index costs no query in
# between. Computing it does not grow with the site either (README "Lists at 100,000 articles"): the
# articles' and the topics' pages are blocks of ids, counted from the highest id.
PAGE_COUNT_SECONDS = 600


def _page_count(section: str, sitemap: Sitemap) -> int:
    """Pages of a section (at least one; never loading the items): one query for a queryset; cached."""
    key = f"sitemap-pages:{section}"
    pages = cache.get(key)
    if pages is None:
        pages = sitemap.paginator.num_pages
        cache.set(key, pages, PAGE_COUNT_SECONDS)
    return pages


@x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: every page of every section, at SITE_URL (a cached page count per section, no items loaded)."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        location = reader.absolute_url(reverse("sitemap-section", kwargs={"section": section}))
        pages = _page_count(section, sitemap_class())
        entries.append(SitemapIndexItem(location, None))
        entries.extend(SitemapIndexItem(f"{location}?p={page}", None) for page in range(2, pages + 1))
    response = TemplateResponse(request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml")
    return cache_for_cdn(response, keys=[LISTS_KEY])


def sitemap_section(request, section):
    """/sitemap-<section>.xml?p=N: one page of at most 50,000 URLs."""
    return cache_for_cdn(sitemap_views.sitemap(request, sitemaps=SITEMAPS, section=section), keys=[LISTS_KEY])
