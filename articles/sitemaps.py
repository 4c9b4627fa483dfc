"""sitemap.xml: the pages search engines may index, at their canonical SITE_URL addresses.

Provisional publications and articles past their re-review date are left out (they also carry
``noindex``); an article's ``lastmod`` is its newest correction or update (the page's
``dateModified``), or when the live publication went up if it has none.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from articles import selectors


class _SiteUrlSitemap(Sitemap):
    """Addresses built from SITE_URL, like the pages' canonical links, whatever Host the request had."""

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
