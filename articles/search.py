"""Search over what is live on the public site.

On PostgreSQL: full-text search with the English configuration, title weighted above summary
above body, ranked by ``ts_rank``, with ``ts_headline`` snippets (migration 0018 stores each
publication's search document, with a GIN index). On SQLite (the zero-setup demo): every word must occur in the
title, summary or text, newest first, with a plain snippet around the first match.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article, Publication

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
MAX_CANDIDATES = 200
# Characters no article contains, so the snippet can be escaped first and highlighted after.
_START, _STOP = "\ue000", "\ue001"
# Control characters (NUL among them, which PostgreSQL refuses in text) and lone surrogates: never searched.
_UNSEARCHABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class Hit:
    slug: str
    title: str
    summary: str
    audience: str
    topic_name: str
    provisional: bool
    published_at: object
    snippet: SafeString


def search_vector() -> SearchVector:
    """The document searched and ranked; PostgreSQL stores it per publication (``search_document``, generated
    from exactly this expression, with a GIN index: migration 0018)."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("summary", weight="B", config=CONFIG)
        + SearchVector("search_text", weight="C", config=CONFIG)
    )


def _live() -> QuerySet[Publication]:
    # A publication is live when its article points at it; superseded and withdrawn ones never match.
    return Publication.objects.filter(article__live_publication=F("pk")).select_related("article__topic")


def _highlight(text: str) -> SafeString:
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _hit(publication: Publication, snippet: SafeString) -> Hit:
    article = publication.article
    return Hit(
        slug=article.slug,
        title=publication.title,
        summary=publication.summary,
        audience=article.get_audience_display(),
        topic_name=article.topic.name if article.topic_id else "",
        provisional=publication.provisional,
        published_at=publication.published_at,
        snippet=snippet,
    )


# How many of the newest publications search tests one by one before it asks the GIN index instead.
RECENT_WINDOW = 2000

# The MAX_CANDIDATES newest matching live publications, on PostgreSQL's stored search document
# (``search_document``, generated from exactly ``search_vector()``, with a GIN index: migration 0018).
# First the RECENT_WINDOW newest publications are walked (``publication_recent``), each stored document
# tested, stopping at the candidates: a common word costs at most that walk. Only when the window holds
# fewer does the GIN index give the older matches (a rare word: few rows). Either way PostgreSQL never
# chooses, on a guess of how often the words occur together, to walk every publication or to read every
# match. Liveness is "an article points at this publication" (``live_publication``, one indexed column).
_LIVE = f"EXISTS (SELECT 1 FROM {Article._meta.db_table} a WHERE a.live_publication_id = p.id)"
_MATCHES = "p.search_document @@ websearch_to_tsquery(%s::regconfig, %s)"
_CANDIDATES = f"""
WITH recent AS MATERIALIZED (
  SELECT p.id, p.published_at FROM (
    SELECT id, published_at, search_document FROM {Publication._meta.db_table}
    ORDER BY published_at DESC, id DESC LIMIT %s
  ) p
  WHERE {_MATCHES} AND {_LIVE} ORDER BY p.published_at DESC, p.id DESC LIMIT %s
)
SELECT c.id FROM (
  SELECT id, published_at FROM recent
  UNION ALL
  SELECT p.id, p.published_at FROM {Publication._meta.db_table} p
  WHERE (SELECT count(*) FROM recent) < %s
    AND (p.published_at, p.id) < (SELECT published_at, id FROM {Publication._meta.db_table}
                                  ORDER BY published_at DESC, id DESC OFFSET %s LIMIT 1)
    AND {_MATCHES} AND {_LIVE}
) c ORDER BY c.published_at DESC, c.id DESC LIMIT %s
"""


def _candidates(query: str) -> RawSQL:
    limit, window = MAX_CANDIDATES, RECENT_WINDOW
    return RawSQL(_CANDIDATES, (window, CONFIG, query, limit, limit, window - 1, CONFIG, query, limit))


def _postgres(query: str) -> list[Hit]:
    search_query = SearchQuery(query, search_type="websearch", config=CONFIG)
    # Ranking reads each candidate's text again, so only the MAX_CANDIDATES newest matching live
    # publications are ranked: a common word matches a share of every article, and ranking them all
    # grows with the site. Superseded and withdrawn versions take no candidate's place.
    rows = (
        _live()
        .filter(pk__in=_candidates(query))
        .annotate(document=search_vector())
        .annotate(rank=SearchRank(F("document"), search_query))
        .annotate(
            headline=SearchHeadline(
                "search_text",
                search_query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
        .defer("rendered_html", "references")
        .order_by("-rank", "-published_at")[:MAX_RESULTS]
    )
    return [_hit(row, _highlight(row.headline)) for row in rows]


def _snippet(text: str, words: list[str], width: int = 220) -> SafeString:
    lowered = text.lower()
    first = min((i for i in (lowered.find(w.lower()) for w in words) if i >= 0), default=0)
    start = max(0, first - width // 3)
    piece = ("… " if start else "") + text[start : start + width] + ("…" if start + width < len(text) else "")
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return _highlight(pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", piece))


def _fallback(query: str) -> list[Hit]:
    words = [w for w in re.findall(r"\w+", query) if len(w) > 1][:10]
    if not words:
        return []
    rows = _live()
    for word in words:
        rows = rows.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(search_text__icontains=word))
    rows = rows.defer("rendered_html", "references").order_by("-published_at", "-pk")[:MAX_RESULTS]
    return [_hit(row, _snippet(row.search_text, words)) for row in rows]


def query_text(raw: str) -> str:
    """The query as searched and shown: control characters become spaces, runs of whitespace one
    space, and the result is cut to MAX_QUERY_LENGTH characters. Any text gives a valid query."""
    return " ".join(_UNSEARCHABLE.sub(" ", raw).split())[:MAX_QUERY_LENGTH]


def publications_search(*, query: str) -> list[Hit]:
    """Live publications matching ``query``, best first, each with a highlighted snippet. One query.
    On PostgreSQL "best" is among the MAX_CANDIDATES newest matches (README "Lists at 100,000 articles").

    An empty or blank query finds nothing; control characters are dropped (``query_text``) and
    overlong queries are cut to MAX_QUERY_LENGTH characters.
    """
    query = query_text(query)
    if not query:
        return []
    return _postgres(query) if connection.vendor == "postgresql" else _fallback(query)
