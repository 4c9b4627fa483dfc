"""Reads for article screens. Each declares its joins so a page's query count is fixed."""

from django.db.models import QuerySet

from articles.models import Article, ArticleRevision


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
