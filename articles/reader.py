"""What a reader sees of a live Publication: the rules of the public article page.

Views read rows through ``articles.selectors``; this module turns them into the page's facts
(review steps, credits, references with their links, whether search engines may index it,
the audience switch) and into the page's identity (ETag, cache key, Last-Modified), so that
a cached page changes exactly when something it shows changes.
"""

import functools
import hashlib
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe

from articles.models import (
    Article,
    ArticleDisclosure,
    Audience,
    AuthorProfile,
    Publication,
    PublicationChange,
    Reference,
    RevisionProvenance,
    SiteSettings,
)
from articles.parsing import MAX_INT

# Bump when the article page changes shape in code (not in a template or a static file: ``render_build``
# follows those), so cached and stored pages from an older release are not served.
PAGE_VERSION = 4
# Stamp fields (``selectors.STAMP_FIELDS``) timing rows the page shows that change on their own.
CHANGE_FIELDS = ("author_changed_at", "disclosure_changed_at", "provenance_changed_at", "last_change_at")
_CHANGE_KINDS = dict(PublicationChange.Kind.choices)
AUDIENCE_COOKIE = "reader_audience"
AUDIENCE_COOKIE_MAX_AGE = 365 * 24 * 3600

STEPS = (
    (Article.Status.SUBMITTED, "Submitted"),
    (Article.Status.UNDER_REVIEW, "Under review"),
    (Article.Status.APPROVED, "Approved"),
)
# Where each workflow state sits on the three-step indicator; states off the path mark no step.
_STEP_OF_STATUS = {
    Article.Status.SUBMITTED: 0,
    Article.Status.UNDER_REVIEW: 1,
    Article.Status.CHANGES_REQUESTED: 1,
    Article.Status.APPROVED: 2,
}
_CITE_ID = re.compile(r'id="cite-([0-9]+)-([0-9]+)"')
_KIND_LABELS = dict(Reference.Kind.choices)
_AUDIENCES = frozenset(Audience.values)


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Credit:
    display: str
    name: str
    degree: str
    specialty: str
    reviewed_at: datetime | None
    named: bool = True  # False: a reviewer who approved but asked not to be named
    # The reviewer's public profile page ("" for a credit pinned without a reviewer id).
    url: str = ""
    # Interests declared and cleared by the editor-in-chief; "" for none declared, None when not pinned.
    interests: str | None = None


@dataclass(frozen=True)
class ReaderReference:
    number: int
    kind_label: str
    authors: str
    title: str
    source: str
    year: int | None
    details: str
    doi: str
    doi_url: str
    pmid: str
    pubmed_url: str
    pmcid: str
    pmc_url: str
    isbn: str
    url: str
    raw: str
    backlinks: list[str] = field(default_factory=list)


def audience_choice(value: str | None) -> str | None:
    """The reader's remembered audience, or None when the cookie is missing or not a known audience."""
    return value if value in _AUDIENCES else None


def is_overdue(article: Article, *, today: date | None = None) -> bool:
    """Past its re-review date: the page says so and asks search engines not to index it."""
    today = today or timezone.localdate()
    return article.next_review_due is not None and article.next_review_due < today


def _live_number(article: Article, publication: Publication) -> int:
    number = getattr(article, "live_revision_number", None)
    return number if number is not None else publication.revision.number


def update_in_review(article: Article, publication: Publication) -> bool:
    """Whether a newer revision than the live one is being reviewed now (submitted or under review)."""
    in_review = article.status in (Article.Status.SUBMITTED, Article.Status.UNDER_REVIEW)
    return in_review and article.revision > _live_number(article, publication)


def review_steps(article: Article, publication: Publication) -> list[Step]:
    """Submitted / Under review / Approved, for the version readers see (the live publication).

    An approved publication is approved, whatever the workflow does with a newer revision or a
    re-review. A provisional one shows where its own revision's review stands: submitted, or
    under review (also once the board moved the article on, until an approved version goes live).
    """
    if not publication.provisional:
        current = _STEP_OF_STATUS[Article.Status.APPROVED]
    elif article.status == Article.Status.SUBMITTED and article.revision == _live_number(article, publication):
        current = _STEP_OF_STATUS[Article.Status.SUBMITTED]
    else:
        current = _STEP_OF_STATUS[Article.Status.UNDER_REVIEW]
    return [
        Step(label=label, state="done" if i < current else "current" if i == current else "todo")
        for i, (_status, label) in enumerate(STEPS)
    ]


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        parsed = parse_datetime(value) if isinstance(value, str) and value else None
    except ValueError:  # well formed but no such date (month 13): shown as no date rather than a 500
        parsed = None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def _reviewer_url(reviewer_id) -> str:
    # The page is the site's (``editorial.urls``), so this app names it without importing the review side.
    if isinstance(reviewer_id, int) and not isinstance(reviewer_id, bool) and 0 < reviewer_id <= MAX_INT:
        return reverse("reviewer", kwargs={"pk": reviewer_id})
    return ""


def credits_of(publication: Publication) -> list[Credit]:
    """The approving reviewers the publication pinned, with the date of each approval."""
    out = []
    for item in publication.reviewer_credits or []:
        if not isinstance(item, dict):
            continue
        display = item.get("display") or ", ".join(
            part for part in (item.get("name"), item.get("degree"), item.get("specialty")) if part
        )
        if not display:
            continue
        out.append(
            Credit(
                display=display,
                name="" if item.get("named") is False else item.get("name") or display.split(",")[0].strip(),
                degree=item.get("degree") or "",
                specialty=item.get("specialty") or "",
                reviewed_at=_when(item.get("reviewed_at") or item.get("approved_at")),
                named=item.get("named") is not False,
                url=_reviewer_url(item.get("reviewer_id")),
                interests=item["interests"] if isinstance(item.get("interests"), str) else None,
            )
        )
    return out


def last_reviewed(article: Article, publication: Publication, credits: list[Credit]) -> datetime | None:
    """When the board last approved what is shown: the pinned approvals, or a later re-review of the same revision."""
    dates = [c.reviewed_at for c in credits if c.reviewed_at]
    same_revision = getattr(article, "live_revision_number", None) == article.revision
    if not publication.provisional and same_revision and article.last_reviewed_at:
        dates.append(article.last_reviewed_at)
    return max(dates) if dates else None


def backlinks_of(rendered_html: str) -> dict[int, list[str]]:
    """Reference number → the ids of the citation markers pointing at it, in page order."""
    found: dict[int, list[str]] = {}
    for match in _CITE_ID.finditer(rendered_html):
        found.setdefault(int(match.group(1)), []).append(f"cite-{match.group(1)}-{match.group(2)}")
    return found


def _doi_url(doi: str) -> str:
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.IGNORECASE)
    return f"https://doi.org/{doi}" if doi else ""


def references_of(publication: Publication) -> list[ReaderReference]:
    """The numbered reference list with type labels, identifier links and back links to each citation."""
    return reference_list(rendered_html=publication.rendered_html, references=publication.references)


# Bump when articles/_references.html or the list's rules change: stored lists of another version are not used.
READER_PARTS_VERSION = 1


def reader_parts(*, rendered_html: str, references: list) -> dict:
    """The parts of the article page that depend on the publication alone, rendered once when it is made."""
    items = reference_list(rendered_html=rendered_html, references=references)
    html = render_to_string("articles/_references.html", {"references": items}).strip()
    return {"version": READER_PARTS_VERSION, "references_html": html}


def references_html(publication: Publication) -> str:
    """The page's reference list: stored with the publication, or rendered now for an older one."""
    parts = publication.reader_parts or {}
    if parts.get("version") == READER_PARTS_VERSION and isinstance(parts.get("references_html"), str):
        return mark_safe(parts["references_html"])  # rendered from the autoescaping template below
    return mark_safe(
        reader_parts(rendered_html=publication.rendered_html, references=publication.references)["references_html"]
    )


def reference_list(*, rendered_html: str, references: list) -> list[ReaderReference]:
    backlinks = backlinks_of(rendered_html)
    out = []
    for ref in sorted((r for r in references or [] if isinstance(r, dict)), key=lambda r: r["number"]):
        number, pmid, pmcid = int(ref["number"]), str(ref.get("pmid") or ""), str(ref.get("pmcid") or "")
        out.append(
            ReaderReference(
                number=number,
                kind_label=_KIND_LABELS.get(ref.get("kind") or "", _KIND_LABELS[Reference.Kind.OTHER]),
                authors=ref.get("authors") or "",
                title=ref.get("title") or "",
                source=ref.get("source") or "",
                year=ref.get("year") or None,
                details=ref.get("details") or "",
                doi=ref.get("doi") or "",
                doi_url=_doi_url(ref.get("doi") or ""),
                pmid=pmid,
                pubmed_url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid.isdigit() else "",
                pmcid=pmcid,
                pmc_url=f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid.upper()}/" if pmcid else "",
                isbn=ref.get("isbn") or "",
                url=ref.get("url") if str(ref.get("url") or "").startswith(("https://", "http://")) else "",
                raw=ref.get("raw") or "",
                backlinks=backlinks.get(number, []),
            )
        )
    return out


def absolute_url(path: str) -> str:
    """Canonical address of a page: SITE_URL, never the Host header a request happened to carry."""
    return f"{settings.SITE_URL}{path}"


def _as_datetime(value) -> datetime | None:
    # Raw values from the stamp query: datetimes on PostgreSQL, ISO text on SQLite (stored in UTC).
    if value is None or isinstance(value, datetime):
        return value if value is None or timezone.is_aware(value) else timezone.make_aware(value, UTC)
    parsed = parse_datetime(str(value))
    return parsed if parsed is None or timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def disclaimer_of(stamp: dict) -> str:
    """The editors' disclaimer, or the default text when site settings were never saved."""
    if stamp["disclaimer"] is not None:
        return stamp["disclaimer"]
    return SiteSettings._meta.get_field("disclaimer").get_default()


@dataclass(frozen=True)
class PageIdentity:
    etag: str
    last_modified: datetime
    cache_key: str
    indexable: bool
    overdue: bool


def page_identity(*, stamp: dict, missing_variant: bool, today: date | None = None) -> PageIdentity:
    """ETag, Last-Modified and cache key of an article page: a digest of everything the page shows.

    ``stamp`` is ``selectors.article_page_stamp``. The publication is immutable, so its pk stands
    for its content; the rest is what can change around it (workflow state and review dates, which
    every workflow step and publishing step saves with the article's ``updated_at``; the topic; the
    disclaimer), whether the page says the reader's audience has no version, and today's overdue flag.
    Remembered per process for the same stamp and day: every cached request asks.
    """
    today = today or _today()
    # A remembered stamp (READER_STAMP_SECONDS) is the same dict on every request: its identity is looked up
    # by the dict itself, without hashing its values again (the entry holds the dict, so its id stays its own).
    key = (id(stamp), missing_variant, today, settings.SITE_URL, render_build())
    found = _identities.get(key)
    if found is not None and found[0] is stamp:
        return found[1]
    identity = _page_identity(tuple(sorted(stamp.items())), missing_variant, today, settings.SITE_URL, key[-1])
    if len(_identities) >= 1024:
        _identities.clear()
    _identities[key] = (stamp, identity)
    return identity


_identities: dict[tuple, tuple[dict, "PageIdentity"]] = {}
_day: list = [0.0, 0.0, None, None]  # [start, end) in seconds since the epoch, time zone, local date


def _today() -> date:
    """``timezone.localdate()``, worked out once per local day (every cached request asks)."""
    now = time.time()
    start, end, zone, today = _day
    if not (start <= now < end) or zone != settings.TIME_ZONE:
        local = timezone.localtime()
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        _day[:] = [midnight.timestamp(), (midnight + timedelta(days=1)).timestamp(), settings.TIME_ZONE, local.date()]
        today = local.date()
    return today


@functools.lru_cache(maxsize=1024)
def _page_identity(items: tuple, missing_variant: bool, today: date, site_url: str, build: str) -> PageIdentity:
    stamp = dict(items)
    due = _as_date(stamp["next_review_due"])
    overdue = due is not None and due < today
    parts = (
        PAGE_VERSION, build, site_url, missing_variant, overdue, *(str(stamp[name]) for name in sorted(stamp))
    )  # fmt: skip
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    # Publishing and every workflow step save the article row, so updated_at moves whenever the page could;
    # a profile, disclosure, provenance or change-log row can change on its own, so they count too.
    times = (_as_datetime(stamp.get(name)) for name in ("updated_at", *CHANGE_FIELDS))
    last_modified = max(moment for moment in times if moment is not None)
    return PageIdentity(
        etag=f'"{digest}"',
        last_modified=last_modified,
        cache_key=f"reader:article:{digest}",
        indexable=not stamp["provisional"] and not overdue,
        overdue=overdue,
    )


@functools.cache
def render_build() -> str:
    """A digest of what renders a page besides its data: the project's templates and static files (a page
    links its stylesheet by a name made from its content). A release that changes any of them changes
    every page's key, so no page cached or stored by an older release is served after it; worked out
    once per process."""
    digest = hashlib.sha256()
    roots = [*(Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])), *map(Path, settings.STATICFILES_DIRS)]
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class CachedPage:
    """A rendered article page as sent, with what its response headers need."""

    html: bytes
    etag: str
    last_modified: int  # seconds since the epoch
    indexable: bool
    audience: str
    surrogate_keys: tuple[str, ...] = ()  # the CDN's purge keys: the article's and its topic's


class RecentPages:
    """The article pages one worker process served most recently, by cache key, at most ``READER_LOCAL_PAGES``.

    A page's cache key is a digest of everything the page shows (``page_identity``), so the bytes kept
    under a key are never out of date: with a shared cache, a cached page costs no round trip to it.
    """

    def __init__(self):
        self._pages: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: str, html: bytes) -> None:
        size = settings.READER_LOCAL_PAGES
        with self._lock:
            self._pages[key] = html
            self._pages.move_to_end(key)
            while len(self._pages) > max(size, 0):
                self._pages.popitem(last=False)


def stale_page_key(*, slug: str, missing_variant: bool) -> str:
    """Cache key of the last page rendered for this address, served while the database is down.

    Unlike the page's own cache key it needs no query, so it can be found when no query can run. There are
    two per address: the page itself, and the page telling a reader that their audience has no version.
    """
    digest = hashlib.sha256(slug.encode()).hexdigest()[:32]
    return f"reader:stale:{digest}:{'other' if missing_variant else 'same'}"


def stale_page_keys(*, slug: str) -> list[str]:
    """Both stale-page keys of an address, to read or forget them together."""
    return [stale_page_key(slug=slug, missing_variant=False), stale_page_key(slug=slug, missing_variant=True)]


def stale_page_for(kept: dict, *, slug: str, preference: str | None) -> "CachedPage | None":
    """Of the kept pages of an address (``cache.get_many(stale_page_keys(...))``), the one for this reader."""
    same = kept.get(stale_page_key(slug=slug, missing_variant=False))
    other = kept.get(stale_page_key(slug=slug, missing_variant=True))
    if preference and other is not None and (same is None or same.audience != preference):
        return other
    return same


def stamp_matches(stamp: dict, article: Article) -> bool:
    """Whether a fully loaded article is still the one the stamp described (nothing was saved in between)."""
    return article.live_publication_id == stamp["live_publication_id"] and article.updated_at == _as_datetime(
        stamp["updated_at"]
    )


def status_summary(article: Article, publication: Publication) -> str:
    """One line beside the stepper saying what the shown version's review status is."""
    if publication.provisional:
        return "Pending review: published before the medical advisory board finished its review."
    if update_in_review(article, publication):
        return "This version was approved by the medical advisory board; an update is under review."
    return "Approved by the medical advisory board."


@dataclass(frozen=True)
class ChangeLine:
    changed_at: datetime | None
    kind: str
    kind_label: str
    reason: str


def change_log_of(article: Article) -> list[ChangeLine]:
    """The article's public corrections and updates, newest first (``selectors.article_for_readers``)."""
    out = []
    for item in getattr(article, "change_log", None) or []:
        if isinstance(item, dict) and item.get("reason"):
            kind = item.get("kind") or ""
            label = _CHANGE_KINDS.get(kind, "Update")
            # Stored times: ISO with offset from PostgreSQL, naive UTC text from SQLite.
            out.append(ChangeLine(_as_datetime(item.get("changed_at")), kind, label, str(item["reason"])))
    return out


def date_modified(publication: Publication, changes: list[ChangeLine]) -> datetime:
    """When what readers see last changed: the newest correction or update in the log, or, before any,
    when the live publication went up. A republication that changed nothing does not move it."""
    dates = [change.changed_at for change in changes if change.changed_at]
    return max(dates) if dates else publication.published_at


def byline_of(article: Article) -> AuthorProfile | None:
    """The author's public profile (joined by ``selectors.article_for_readers``), or None."""
    profile = getattr(article.author, "author_profile", None)
    return profile if profile is not None and profile.public else None


def provenance_of(publication: Publication) -> RevisionProvenance | None:
    """How the live revision was made, or None when nobody recorded it."""
    return getattr(publication.revision, "provenance", None)


def disclosure_of(article: Article) -> ArticleDisclosure | None:
    disclosure = getattr(article, "disclosure", None)
    if disclosure is None or not any(
        (disclosure.funding, disclosure.sponsor, disclosure.advertising, disclosure.author_interests)
    ):
        return None
    return disclosure
