"""Reads for article screens. Each declares its joins so a page's query count is fixed."""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from articles.models import Article, ArticleRevision, PublicationWithdrawal, SiteSettings, Topic


def revisions_for_article(*, article: Article) -> QuerySet[ArticleRevision]:
    """The article's revisions, newest first, with who made each change."""
    return article.revisions.select_related("created_by").order_by("-number")


def revision_pair(*, article: Article, old: int, new: int) -> tuple[ArticleRevision, ArticleRevision]:
    """Two revisions of one article for a diff. Raises ArticleRevision.DoesNotExist."""
    found = {r.number: r for r in article.revisions.filter(number__in=[old, new])}
    if old not in found or new not in found:
        missing = old if old not in found else new
        raise ArticleRevision.DoesNotExist(f"Revision {missing} of this article does not exist.")
    return found[old], found[new]


# Reader pages: only what is live, each page in a fixed number of queries.


def _counterparts() -> QuerySet[Article]:
    """Live articles for the other audience linked to the outer article by ``variant_of`` either way."""
    return (
        Article.objects.filter(live_publication__isnull=False)
        .exclude(audience=OuterRef("audience"))
        .exclude(pk=OuterRef("pk"))
        .filter(
            Q(variant_of=OuterRef("pk")) | Q(pk=OuterRef("variant_of_id")) | Q(variant_of=OuterRef("variant_of_id"))
        )
        .order_by("pk")
    )


def article_for_readers(*, slug: str) -> Article:
    """One article with its live publication, topic, other-audience version and withdrawal flag: one query.

    ``live_publication`` is None for an article readers cannot see; ``withdrawn`` then tells a
    withdrawn article (410) from one never published (404). Raises Article.DoesNotExist.
    """
    others = _counterparts()
    return (
        Article.objects.select_related("live_publication", "topic")
        .annotate(
            live_revision_number=F("live_publication__revision__number"),
            counterpart_slug=Subquery(others.values("slug")[:1]),
            counterpart_audience=Subquery(others.values("audience")[:1]),
            counterpart_pub=Subquery(others.values("live_publication_id")[:1]),
            withdrawn=Exists(PublicationWithdrawal.objects.filter(article=OuterRef("pk"))),
        )
        .get(slug=slug)
    )


def site_settings_for_readers() -> SiteSettings:
    """The editors' site settings in one read; the defaults (unsaved) when none were saved yet. Never writes."""
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def live_articles() -> QuerySet[Article]:
    """Articles on the public site, with their live publication and topic joined."""
    return Article.objects.filter(live_publication__isnull=False).select_related("live_publication", "topic")


def topics_for_readers() -> QuerySet[Topic]:
    """Topics with at least one live article, with how many."""
    return (
        Topic.objects.annotate(live_count=Count("articles", filter=Q(articles__live_publication__isnull=False)))
        .filter(live_count__gt=0)
        .order_by("name")
    )


def topic_for_readers(*, slug: str) -> tuple[Topic, list[Article]]:
    """A topic and its live articles, by title. Raises Topic.DoesNotExist."""
    topic = Topic.objects.get(slug=slug)
    return topic, list(live_articles().filter(topic=topic).order_by("live_publication__title"))


def home_for_readers(*, limit: int = 8) -> dict[str, list]:
    """The home page: recently published, recently reviewed (approved publications only) and the topics."""
    live = live_articles()
    return {
        "recent": list(live.order_by("-live_publication__published_at", "-pk")[:limit]),
        "reviewed": list(
            live.filter(live_publication__provisional=False, last_reviewed_at__isnull=False).order_by(
                "-last_reviewed_at", "-pk"
            )[:limit]
        ),
        "topics": list(topics_for_readers()),
    }


def sitemap_articles(*, today: date) -> QuerySet[Article]:
    """Live articles search engines may index: approved (not provisional) and not past their re-review date."""
    return (
        live_articles()
        .filter(live_publication__provisional=False)
        .filter(Q(next_review_due__isnull=True) | Q(next_review_due__gte=today))
        .order_by("slug")
    )
