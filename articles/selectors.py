"""Reads for article screens. Each declares its joins so a page's query count is fixed."""

import functools
import re
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import ProgrammingError, connections, router
from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    JSONField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.query import get_related_populators

from articles import reader
from articles.models import (
    Article,
    ArticleDisclosure,
    ArticleRevision,
    AuthorProfile,
    Publication,
    PublicationChange,
    PublicationWithdrawal,
    RevisionProvenance,
    SiteSettings,
    StoredPage,
    Topic,
)


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


def article_for_readers(*, slug: str) -> Article:
    """One article with its live publication and topic, and whether it was withdrawn: one query.

    ``live_publication`` is None for an article readers cannot see; ``withdrawn`` then tells a
    withdrawn article (410) from one never published (404). The same query joins the author's
    profile, the disclosure and the live revision's provenance, and carries the public change log
    as ``change_log`` (a JSON list, newest first). Raises Article.DoesNotExist.

    Like the stamp, the query is compiled once per process and run with the slug swapped in (a fresh
    render after a publish pays for running it, not for building it). Texts no reader page shows (the
    working body, the live revision's source and references, the search text) are not fetched.
    """
    alias = router.db_for_read(Article)
    statement = _reader_statement(alias)
    params = (*statement.params[: statement.at], slug, *statement.params[statement.at + 1 :])
    row = _fetch_one(alias, "imprimatur_reader_article", statement.sql, params)
    if row is None:
        raise Article.DoesNotExist("Article matching query does not exist.")
    return statement.instance(row)


def _article_for_readers_query(slug: str) -> QuerySet[Article]:
    return (
        Article.objects.filter(slug=slug)
        .select_related("live_publication__revision__provenance", "topic", "author__author_profile", "disclosure")
        .defer(
            "body",
            "live_publication__search_text",
            "live_publication__revision__body",
            "live_publication__revision__references",
        )
        .annotate(
            live_revision_number=F("live_publication__revision__number"),
            withdrawn=Exists(PublicationWithdrawal.objects.filter(article=OuterRef("pk"))),
            change_log=_ChangeLog(F("pk")),
        )
        .order_by()
    )


class _ReaderStatement:
    """``_article_for_readers_query`` compiled once: its SQL, where the slug goes, and how a row becomes an
    Article with its joined rows (what Django's model iterable does with a freshly compiled query)."""

    def __init__(self, alias: str):
        compiler = _article_for_readers_query(_SLUG_PLACEHOLDER).query.get_compiler(alias)
        sql, params = compiler.as_sql()
        self.sql, self.params, self.at = sql, tuple(params), list(params).index(_SLUG_PLACEHOLDER)
        self.alias, self._compiler = alias, compiler
        start, end = compiler.klass_info["select_fields"][0], compiler.klass_info["select_fields"][-1] + 1
        self._fields = (start, end, [column[0].target.attname for column in compiler.select[start:end]])
        self._populators = get_related_populators(compiler.klass_info, compiler.select, alias)

    def instance(self, row: tuple) -> Article:
        (row,) = self._compiler.results_iter(results=[[row]])  # the fields' converters (JSON, dates)
        start, end, names = self._fields
        article = Article.from_db(self.alias, names, row[start:end])
        for populator in self._populators:
            populator.populate(row, article)
        for name, position in self._compiler.annotation_col_map.items():
            setattr(article, name, row[position])
        return article


@functools.cache
def _reader_statement(alias: str) -> _ReaderStatement:
    return _ReaderStatement(alias)


class _ChangeLog(Func):
    """The article's public corrections and updates as one JSON list, newest first, inside the article's
    own query (a prefetch would cost the reader page a query)."""

    output_field = JSONField()
    arity = 1
    _TABLE = PublicationChange._meta.db_table

    def as_postgresql(self, compiler, connection, **extra):
        pk, params = compiler.compile(self.source_expressions[0])
        return (
            "(SELECT coalesce(jsonb_agg(jsonb_build_object('changed_at', c.changed_at, 'kind', c.kind, "
            f"'reason', c.reason) ORDER BY c.changed_at DESC, c.id DESC), '[]'::jsonb) FROM {self._TABLE} c "
            f"WHERE c.article_id = {pk})"
        ), params

    def as_sqlite(self, compiler, connection, **extra):
        pk, params = compiler.compile(self.source_expressions[0])
        return (
            "(SELECT coalesce(json_group_array(json_object('changed_at', c.changed_at, 'kind', c.kind, "
            f"'reason', c.reason)), '[]') FROM (SELECT * FROM {self._TABLE} WHERE article_id = {pk} "
            "ORDER BY changed_at DESC, id DESC) c)"
        ), params


def author_for_readers(*, slug: str) -> tuple[AuthorProfile, list[Article]]:
    """A public author profile and the live articles its user wrote, by title. Raises AuthorProfile.DoesNotExist."""
    profile = AuthorProfile.objects.get(slug=slug, public=True)
    articles = list(live_articles().filter(author_id=profile.user_id).order_by("live_publication__title"))
    return profile, with_review_dates(articles)


def site_settings_for_readers() -> SiteSettings:
    """The editors' site settings in one read; the defaults (unsaved) when none were saved yet. Never writes."""
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


# The large parts of a publication, which only the article page and the API's detail read.
CARD_DEFERRED = ("live_publication__rendered_html", "live_publication__references", "live_publication__search_text")


def live_articles() -> QuerySet[Article]:
    """Articles on the public site, with their live publication and topic joined.

    The publication's HTML, references and search text are deferred: lists (cards, sitemap) never show them.
    ``live_revision_number`` is the live revision's number, for ``reader.last_reviewed``.
    """
    return (
        Article.objects.filter(live_publication__isnull=False)
        .select_related("live_publication", "topic")
        .defer(*CARD_DEFERRED)
        .annotate(live_revision_number=F("live_publication__revision__number"))
    )


def with_review_dates(articles: list[Article]) -> list[Article]:
    """Set ``reviewed_on`` on each live article for its card: ``reader.last_reviewed``, the article page's rule
    (an approval of a newer revision not yet published is not credited to the live one); None if provisional."""
    for article in articles:
        publication = article.live_publication
        credits = reader.credits_of(publication)
        article.reviewed_on = None if publication.provisional else reader.last_reviewed(article, publication, credits)
    return articles


# What PostgreSQL may cast to timestamptz: the ISO dates publishing pins (``datetime.isoformat()``).
_ISO_DATETIME = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
    r"(Z|[+-]([01]\d|2[0-3])(:?[0-5]\d)?)?$"
)


class _LatestReview(Func):
    """SQL for ``reader.last_reviewed``: the latest of the review dates pinned in the credits (``reviewed_at``
    or ``approved_at`` of each) and the given date. Dates not in ISO form are skipped, never an error."""

    output_field = DateTimeField()
    arity = 2

    def as_postgresql(self, compiler, connection, **extra):
        (credits, c_params), (also, a_params) = (compiler.compile(e) for e in self.source_expressions)
        pinned = (
            f"(SELECT max(CASE WHEN v ~ '{_ISO_DATETIME}' THEN v::timestamptz END) "
            "FROM (SELECT coalesce(nullif(c->>'reviewed_at', ''), c->>'approved_at') AS v "
            f"FROM jsonb_array_elements(CASE WHEN jsonb_typeof({credits}) = 'array' "
            f"THEN {credits} ELSE '[]'::jsonb END) AS c WHERE jsonb_typeof(c) = 'object') AS pinned)"
        )
        return f"GREATEST({pinned}, {also})", (*c_params, *c_params, *a_params)

    def as_sqlite(self, compiler, connection, **extra):
        (credits, c_params), (also, a_params) = (compiler.compile(e) for e in self.source_expressions)
        pinned = (
            "SELECT datetime(coalesce(nullif(json_extract(c.value, '$.reviewed_at'), ''), "
            f"json_extract(c.value, '$.approved_at'))) AS v FROM json_each(CASE WHEN json_type({credits}) = 'array' "
            f"THEN {credits} ELSE '[]' END) AS c WHERE c.type = 'object'"
        )
        return f"(SELECT max(v) FROM ({pinned} UNION ALL SELECT datetime({also})))", (
            *c_params, *c_params, *a_params,
        )  # fmt: skip


# Readers' topic counts stop here ("1000+"): a count reads one index entry per live article it counts, so
# an exact count of a large topic would grow with the site.
TOPIC_COUNT_LIMIT = 1000


class _RowsOf(Func):
    """How many rows a subquery gives (``count(*)`` over it, in the outer query): with a sliced subquery,
    a count that stops at the slice's end."""

    output_field = IntegerField()
    arity = 1
    template = "(SELECT count(*) FROM %(expressions)s AS counted)"


def topics_for_readers() -> list[Topic]:
    """Topics with at least one live article, by name, each with ``live_count`` (at most TOPIC_COUNT_LIMIT)
    and ``more_than_shown`` (it has more live articles than that). One query: each count reads at most
    TOPIC_COUNT_LIMIT + 1 entries of the partial index ``article_live_topic`` (index-only), never a join
    of every article to its topic."""
    live = Article.objects.filter(topic=OuterRef("pk"), live_publication__isnull=False).order_by()
    counted = _RowsOf(Subquery(live.values("pk")[: TOPIC_COUNT_LIMIT + 1]))
    topics = list(Topic.objects.filter(Exists(live)).annotate(live_count=counted).order_by("name"))
    for topic in topics:
        topic.more_than_shown = topic.live_count > TOPIC_COUNT_LIMIT
        topic.live_count = min(topic.live_count, TOPIC_COUNT_LIMIT)
    return topics


def topic_for_readers(
    *, slug: str, after: int | None = None, limit: int = 50
) -> tuple[Topic, list[Article], int | None]:
    """A topic and one page of its live articles by title, each with ``reviewed_on``, and the cursor of the
    next page (None on the last). Keyset pagination over the index ``article_live_title`` (topic, the live
    title the article row keeps, id): ``after`` is the last article of the previous page, so page 100 costs
    what page 1 does. Raises Topic.DoesNotExist."""
    topic = Topic.objects.get(slug=slug)
    articles = live_articles().filter(topic=topic)
    if after is not None:
        title = Subquery(Article.objects.filter(pk=after).order_by().values("live_title")[:1])
        # The ``>=`` bounds the index range (the rows before the cursor are never read); the OR breaks ties.
        articles = articles.filter(live_title__gte=title).filter(
            Q(live_title__gt=title) | Q(live_title=title, pk__gt=after)
        )
    page = list(articles.order_by("live_title", "pk")[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    return topic, with_review_dates(page), page[-1].pk if more else None


# How many of the latest publications home's "recently reviewed" looks among, besides the latest re-reviews.
REVIEWED_WINDOW = 200


def home_for_readers(*, limit: int = 8) -> dict[str, list]:
    """The home page: recently published, recently reviewed (approved publications only, by the date the
    live revision was last reviewed, as its page says) and the topics. Articles carry ``reviewed_on``.

    "Recently reviewed" ranks candidates, never every live article: the ``limit`` latest re-reviews of
    the live revision (``last_reviewed_at``, an index walk) and the REVIEWED_WINDOW latest publications
    (the reviews a publication credits are pinned when it is published, so they are no later than it).
    One IN over a UNION of the two on PostgreSQL (an OR of two IN lists makes it read every approved
    article); two IN lists on SQLite (the demo), which refuses LIMIT inside a compound subquery.
    """
    live = live_articles()
    same_revision = Case(When(live_revision_number=F("revision"), then=F("last_reviewed_at")))
    approved = live.filter(live_publication__provisional=False)
    re_reviewed = (
        approved.filter(live_revision_number=F("revision"), last_reviewed_at__isnull=False)
        .order_by("-last_reviewed_at", "-pk")
        .values("pk")[:limit]
    )
    published = approved.order_by("-live_publication__published_at", "-pk").values("pk")[:REVIEWED_WINDOW]
    reviewed = (
        approved.filter(
            Q(pk__in=re_reviewed.union(published))
            if connections[approved.db].vendor == "postgresql"
            else Q(pk__in=re_reviewed) | Q(pk__in=published)
        )
        .annotate(reviewed_key=_LatestReview(F("live_publication__reviewer_credits"), same_revision))
        .filter(reviewed_key__isnull=False)
        .order_by("-reviewed_key", "-pk")
    )
    return {
        "recent": with_review_dates(list(live.order_by("-live_publication__published_at", "-pk")[:limit])),
        "reviewed": with_review_dates(list(reviewed[:limit])),
        "topics": topics_for_readers(),
    }


def highest_live_article_id() -> int:
    """The highest id of a live article (0 if none): the primary key's index read from its end."""
    return Article.objects.filter(live_publication__isnull=False).aggregate(highest=Max("pk"))["highest"] or 0


def highest_topic_id() -> int:
    """The highest id of a topic (0 if none): the primary key's index read from its end."""
    return Topic.objects.aggregate(highest=Max("pk"))["highest"] or 0


def sitemap_topics() -> QuerySet[Topic]:
    """Topics with a live article, by name, each with ``lastmod``: when its newest live approved (not
    provisional) article went live, None if it has none (the sitemap leaves such a topic out). Whether a
    topic has a live article reads one entry of ``article_live_topic``; its ``lastmod`` walks the newest
    publications (``publication_recent``) to the topic's first, never every live article of the topic."""
    live = Article.objects.filter(topic=OuterRef("pk"), live_publication__isnull=False)
    live_here = Article.objects.filter(live_publication=OuterRef("pk"), topic=OuterRef(OuterRef("pk")))
    newest = (
        Publication.objects.filter(Exists(live_here), provisional=False)
        .order_by("-published_at", "-pk")
        .values("published_at")[:1]
    )
    return Topic.objects.filter(Exists(live)).annotate(lastmod=Subquery(newest)).order_by("name")


def sitemap_articles(*, today: date) -> QuerySet[Article]:
    """Live articles search engines may index: approved (not provisional) and not past their re-review date."""
    return (
        live_articles()
        .filter(live_publication__provisional=False)
        .filter(Q(next_review_due__isnull=True) | Q(next_review_due__gte=today))
        .annotate(last_change_at=Max("changes__changed_at"))
        .order_by("slug")
    )


# The article page's hot path. Building an ORM query costs more than the page's whole budget
# (about 2 ms against 0.2 ms for running it), so this one is compiled once per process and
# then executed with the slug swapped in: the same ORM query, without rebuilding it per request.

STAMP_FIELDS = (
    "id", "live_publication_id", "status", "revision", "updated_at", "next_review_due", "last_reviewed_at",
    "audience", "variant_of_id", "topic_id", "topic_name", "provisional", "disclaimer",
    "author_changed_at", "disclosure_changed_at", "provenance_changed_at", "last_change_at",
)  # fmt: skip

_SLUG_PLACEHOLDER = "\x00slug\x00"


@functools.cache
def _stamp_statement(alias: str) -> tuple[str, tuple, int]:
    # Scalar subqueries rather than joins: PostgreSQL plans them in a fraction of the time.
    query = (
        Article.objects.filter(slug=_SLUG_PLACEHOLDER)
        .annotate(
            topic_name=Subquery(Topic.objects.filter(pk=OuterRef("topic_id")).values("name")[:1]),
            provisional=Subquery(Publication.objects.filter(pk=OuterRef("live_publication_id")).values("provisional")),
            disclaimer=Subquery(SiteSettings.objects.filter(pk=1).values("disclaimer")[:1]),
            author_changed_at=Subquery(
                AuthorProfile.objects.filter(user_id=OuterRef("author_id")).values("updated_at")[:1]
            ),
            disclosure_changed_at=Subquery(
                ArticleDisclosure.objects.filter(article_id=OuterRef("pk")).values("updated_at")[:1]
            ),
            provenance_changed_at=Subquery(
                RevisionProvenance.objects.filter(revision__publications=OuterRef("live_publication_id")).values(
                    "updated_at"
                )[:1]
            ),
            last_change_at=Subquery(
                PublicationChange.objects.filter(article_id=OuterRef("pk"))
                .order_by("-changed_at")
                .values("changed_at")[:1]
            ),
            stored_identity=Subquery(StoredPage.objects.filter(article_id=OuterRef("pk")).values("identity")),
            stored_html=Subquery(StoredPage.objects.filter(article_id=OuterRef("pk")).values("html")),
        )
        .order_by()
        .values_list(*STAMP_FIELDS, "stored_identity", "stored_html")
    )
    sql, params = query.query.get_compiler(alias).as_sql()
    return sql, tuple(params), list(params).index(_SLUG_PLACEHOLDER)


# Each worker process may remember stamps for READER_STAMP_SECONDS (1 in production, 0 = off):
# at thousands of requests a second this saves nearly every query, and a publish or withdrawal
# reaches readers within that second. Deliberately per process (never the shared cache), and a plain
# dictionary: a stamp is read on every request, so it is neither copied nor pickled.
class _StampMemo:
    MAX_ENTRIES = 5000

    def __init__(self):
        self._stamps: dict[str, tuple[float, dict | None]] = {}
        self._lock = threading.Lock()

    def get(self, slug: str, default=None):
        found = self._stamps.get(slug)
        return found[1] if found is not None and found[0] > time.time() else default

    def set(self, slug: str, stamp: dict | None, seconds: float) -> None:
        with self._lock:
            if len(self._stamps) >= self.MAX_ENTRIES:
                now = time.time()
                self._stamps = {k: v for k, v in self._stamps.items() if v[0] > now}
                if len(self._stamps) >= self.MAX_ENTRIES:
                    self._stamps.clear()
            self._stamps[slug] = (time.time() + seconds, stamp)

    def clear(self) -> None:
        with self._lock:
            self._stamps.clear()


_stamp_memo = _StampMemo()


@dataclass(frozen=True)
class StoredPageRef:
    identity: str  # the cache key the page was rendered under
    html: bytes | None  # None when not read with this stamp


def article_page_stamp(*, slug: str, fresh: bool = False) -> dict | None:
    """What decides an article page's identity (STAMP_FIELDS), in one small query; None if no such article.

    Raw column values: on SQLite dates come back as text (``articles.reader`` reads either form).
    A missing ``disclaimer`` means editors never saved site settings (the default text applies).
    ``fresh`` skips the process's memo (the page store must see the row as committed).
    """
    found = _stamp_query(slug) if fresh else article_page_lookup(slug=slug)
    return found[0] if found else None


def article_page_lookup(*, slug: str) -> tuple[dict, StoredPageRef | None] | None:
    """The stamp and the page store's entry for the article (``articles.pages``), in the same query.

    The entry is (cache key, bytes); the bytes only when the query ran for this request: a stamp the
    process remembers (READER_STAMP_SECONDS) keeps the key alone, so the memo stays small, and
    ``stored_page_html`` reads the bytes when the page cache misses.
    """
    seconds = settings.READER_STAMP_SECONDS
    if seconds <= 0:
        return _stamp_query(slug)
    found = _stamp_memo.get(slug, _stamp_memo)
    if found is _stamp_memo:
        found = _stamp_query(slug)
        kept = None if found is None else (found[0], found[1] and StoredPageRef(found[1].identity, None))
        _stamp_memo.set(slug, kept, seconds)
    return found


def stored_page_html(*, article_id: int, identity: str) -> bytes | None:
    """The stored page's bytes, if it is still stored under this key."""
    alias = router.db_for_read(StoredPage)
    found = StoredPage.objects.using(alias).filter(article_id=article_id, identity=identity).values_list("html")
    row = found.first()
    return bytes(row[0]) if row else None


def _stamp_query(slug: str) -> tuple[dict, StoredPageRef | None] | None:
    alias = router.db_for_read(Article)
    sql, params, at = _stamp_statement(alias)
    row = _fetch_one(alias, "imprimatur_reader_stamp", sql, (*params[:at], slug, *params[at + 1 :]))
    if not row:
        return None
    stamp = dict(zip(STAMP_FIELDS, row[: len(STAMP_FIELDS)], strict=True))
    identity, html = row[len(STAMP_FIELDS) :]
    return stamp, (StoredPageRef(identity, bytes(html)) if identity is not None else None)


# On PostgreSQL the two statements of the article page are prepared once per database connection (they
# survive rolled-back transactions): planning a ten-table join costs several times running it. Prepared
# statements belong to the session, so a pooler in front of PostgreSQL must keep sessions (pgbouncer's
# session mode); elsewhere the statement is simply executed.
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection → {statement name: prepared?}
_UNSURE = "unsure"
_NO_SUCH_STATEMENT = "26000"  # SQLSTATE invalid_sql_statement_name


def _fetch_one(alias: str, name: str, sql: str, params: tuple) -> tuple | None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchone()
        prepared = _prepared.setdefault(connection.connection, {})
        if prepared.get(name) == _UNSURE:  # a failure last time: ask the session (once) whether it has it
            cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [name])
            prepared[name] = cursor.fetchone()[0] == 1
        run = f"EXECUTE {name}({', '.join(['%s'] * len(params))})"
        try:
            if prepared.get(name):
                try:
                    cursor.execute(run, params)
                    return cursor.fetchone()
                except ProgrammingError as error:
                    # Dropped behind our back (a pooler's DISCARD ALL): outside a transaction, prepare it again.
                    if getattr(error.__cause__, "sqlstate", None) != _NO_SUCH_STATEMENT or connection.in_atomic_block:
                        raise
            numbered = iter(range(1, len(params) + 1))
            positional = re.sub(r"%(s|%)", lambda m: f"${next(numbered)}" if m.group(1) == "s" else "%%", sql)
            cursor.execute(f"PREPARE {name} AS {positional}; {run}", params)  # one round trip
            cursor.nextset()  # the second result holds the row
            prepared[name] = True
        except Exception:
            prepared[name] = _UNSURE  # prepared before it failed, or dropped: unknown until asked
            raise
        return cursor.fetchone()


def counterpart_for_readers(*, article_id: int, audience: str, variant_of_id: int | None) -> dict | None:
    """The live other-audience version of an article (slug, audience, live publication id), or None."""
    return (
        Article.objects.filter(live_publication__isnull=False)
        .exclude(audience=audience)
        .exclude(pk=article_id)
        .filter(Q(variant_of=article_id) | Q(pk=variant_of_id) | Q(variant_of=variant_of_id, variant_of__isnull=False))
        .order_by("pk")
        .values("slug", "audience", "live_publication_id")
        .first()
    )
