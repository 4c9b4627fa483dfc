"""Anonymity during review: who may see whom while an article is in review.

The mode is the article's own (``Article.anonymity``) or, left empty, its topic's: open;
single-anonymous (authors do not see the reviewers); double-anonymous (reviewers do not see the
author either). Editors always see everyone. The modes hold until the board approves: an
approved article carries the public "reviewed by" credit and byline the product promises readers.
"""

from articles.models import Anonymity, Article
from reviews import permissions as perms


def anonymity_mode(article: Article) -> str:
    """The article's mode: its own override, else its topic's, else open."""
    if article.anonymity:
        return article.anonymity
    return article.topic.anonymity if article.topic_id else Anonymity.OPEN


def _in_review(article: Article) -> bool:
    return article.status != Article.Status.APPROVED


def reviewer_hidden_from(user, article: Article) -> bool:
    """Whether the reviewers' names are withheld from ``user`` on ``article`` (everyone but the
    editors, in a single- or double-anonymous review not yet approved)."""
    if perms.is_editor(user):
        return False
    return anonymity_mode(article) != Anonymity.OPEN and _in_review(article)


def author_hidden_from(user, article: Article) -> bool:
    """Whether the author's name is withheld from ``user`` on ``article`` (everyone but the editors
    and the author, in a double-anonymous review not yet approved)."""
    if perms.is_editor(user) or perms.is_author(user, article):
        return False
    return anonymity_mode(article) == Anonymity.DOUBLE and _in_review(article)
