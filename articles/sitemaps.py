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
from django.db.models import Max, Q
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


class ArticleSitemap(_SiteUrlSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return selectors.sitemap_articles(today=timezone.localdate())

    def lastmod(self, article):
        # The newest correction or update, as the page's dateModified; before any, when it went live.
        return article.last_change_at or article.live_publication.published_at


class TopicSitemap(_SiteUrlSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        live = Q(articles__live_publication__isnull=False, articles__live_publication__provisional=False)
        return (
            selectors.topics_for_readers()
            .annotate(lastmod=Max("articles__live_publication__published_at", filter=live))
            .filter(lastmod__isnull=False)
        )

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


# How long the index remembers each section's number of pages. A count walks every live article (it grows
# with the site) while the number changes once per 50,000 articles: a page that appears is listed within
# this many seconds, and the index costs no query in between.
PAGE_COUNT_SECONDS = 600


def _page_count(section: str, sitemap: Sitemap) -> int:
    """Pages of a section: one COUNT query for a queryset (never loading the items), at least one; cached."""
    key = f"sitemap-pages:{section}"
    pages = cache.get(key)
    if pages is None:
        items = sitemap.items()
        total = items.count() if hasattr(items, "count") and not isinstance(items, list) else len(items)
        pages = max(1, -(-total // sitemap.limit))
        cache.set(key, pages, PAGE_COUNT_SECONDS)
    return pages


@x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: every page of every section, at SITE_URL (a cached COUNT per section, no items loaded)."""
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
