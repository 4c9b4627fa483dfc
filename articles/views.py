"""The public reader site. Views parse input, call one selector, and render; the rules are in
``articles.reader`` (what a page shows and how it is identified) and ``articles.selectors``."""

import dataclasses
import functools

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from articles import error_reports, pages, reader, selectors, structured_data
from articles.cdn import LISTS_KEY, article_key, cache_for_cdn, cdn_headers, topic_key
from articles.forms import ErrorReportForm
from articles.models import Article, Audience, AuthorProfile, Topic
from articles.search import publications_search, query_text

PAGE_CACHE_SECONDS = 24 * 3600
STALE_PAGE_SECONDS = settings.READER_STALE_IF_ERROR_SECONDS


@require_safe
def home(request):
    return cache_for_cdn(render(request, "articles/home.html", selectors.home_for_readers()), keys=[LISTS_KEY])


@require_safe
def topic_index(request):
    response = render(request, "articles/topic_index.html", {"topics": selectors.topics_for_readers()})
    return cache_for_cdn(response, keys=[LISTS_KEY])


TOPIC_PAGE_SIZE = 50


@require_safe
def topic_detail(request, slug):
    after = request.GET.get("after")
    if after is not None and not (after.isascii() and after.isdigit()):
        return HttpResponseBadRequest("The page cursor 'after' must be an article number.")
    try:
        topic, articles, next_after = selectors.topic_for_readers(
            slug=slug, after=int(after) if after else None, limit=TOPIC_PAGE_SIZE
        )
    except Topic.DoesNotExist:
        raise Http404("No topic has this address.") from None
    canonical_url = reader.absolute_url(topic.get_absolute_url())
    context = {"topic": topic, "articles": articles, "canonical_url": canonical_url, "next_after": next_after}
    return cache_for_cdn(render(request, "articles/topic.html", context), keys=[topic_key(topic.pk)])


@require_safe
def search(request):
    query = query_text(request.GET.get("q", ""))
    hits = publications_search(query=query) if query else []
    return cache_for_cdn(render(request, "articles/search.html", {"query": query, "hits": hits}), keys=[LISTS_KEY])


@require_safe
def article_detail(request, slug):
    """The live publication of an article: 404 if never published, 410 if withdrawn; cached and conditional.

    A cached page (or a 304) costs one small query, the stamp; a fresh render two, plus one to find
    the other-audience version for a reader who chose the other audience. While the database cannot be
    reached, a page rendered before is served from the cache (stale-if-error); any other page is a 503.
    """
    preference = reader.audience_choice(request.COOKIES.get(reader.AUDIENCE_COOKIE))
    try:
        return _article_page(request, slug, preference)
    except (OperationalError, InterfaceError):
        kept = cache.get_many(reader.stale_page_keys(slug=slug))
        page = reader.stale_page_for(kept, slug=slug, preference=preference)
        if page is None:
            raise
        return _page_response(request, page, stale=True)


def _article_page(request, slug, preference):
    found = selectors.article_page_lookup(slug=slug)
    if found is None:
        raise Http404("No article has this address.")
    stamp, stored = found
    if stamp["live_publication_id"] is None:
        return _not_live(request, slug)
    missing_variant = bool(preference) and preference != stamp["audience"]
    if missing_variant:
        other = selectors.counterpart_for_readers(
            article_id=stamp["id"], audience=stamp["audience"], variant_of_id=stamp["variant_of_id"]
        )
        if other:  # the remembered audience has its own version: show that one
            response = HttpResponseRedirect(reverse("articles:detail", kwargs={"slug": other["slug"]}))
            patch_vary_headers(response, ["Cookie"])
            return response
    identity = reader.page_identity(stamp=stamp, missing_variant=missing_variant)
    page = _page_of(stamp, identity)
    conditional = _conditional_response(request, page)
    if conditional is not None:
        return _page_response(request, page, conditional=conditional)
    html = _cached_page(identity.cache_key)
    if html is None:
        html = _stored_copy(stamp, stored, missing_variant, identity)
        if html is not None:
            _keep(identity.cache_key, dataclasses.replace(page, html=html), slug, missing_variant)
        else:
            html = _render(slug, stamp, preference, missing_variant, identity, page)
    return _page_response(request, page, html=html, conditional=None)


@functools.lru_cache(maxsize=1024)
def _page_of_identity(identity, audience: str, article_id: int, topic_id: int | None) -> reader.CachedPage:
    return reader.CachedPage(
        html=b"",
        etag=identity.etag,
        last_modified=int(identity.last_modified.timestamp()),  # HTTP dates have whole seconds
        indexable=identity.indexable,
        audience=audience,
        surrogate_keys=(article_key(article_id), *([topic_key(topic_id)] if topic_id else [])),
    )


def _page_of(stamp: dict, identity) -> reader.CachedPage:
    """The page's headers (no bytes yet): the same object for every request of the same page."""
    return _page_of_identity(identity, stamp["audience"], stamp["id"], stamp["topic_id"])


def _stored_copy(stamp, stored, missing_variant, identity) -> bytes | None:
    """The page store's copy of the page when it is this page (``articles.pages``), else None."""
    if missing_variant or stored is None or stored.identity != identity.cache_key:
        return None
    if stored.html is not None:
        return stored.html
    return selectors.stored_page_html(article_id=stamp["id"], identity=identity.cache_key)


def _render(slug, stamp, preference, missing_variant, identity, page) -> bytes:
    article = selectors.article_for_readers(slug=slug)
    html = pages.page_html(
        article=article, stamp=stamp, preference=preference, missing_variant=missing_variant, identity=identity
    )  # stored as the bytes sent
    if reader.stamp_matches(stamp, article):  # not if a publish landed between the two reads
        _keep(identity.cache_key, dataclasses.replace(page, html=html), slug, missing_variant)
    return html


def _keep(key: str, page, slug: str, missing_variant: bool) -> None:
    """Keep a page in the shared cache, this worker's copy and the kept-for-outages copy."""
    cache.set(key, page.html, PAGE_CACHE_SECONDS)
    if settings.READER_LOCAL_PAGES > 0:
        _recent_pages.put(key, page.html)
    cache.set(reader.stale_page_key(slug=slug, missing_variant=missing_variant), page, STALE_PAGE_SECONDS)


# The pages this worker served last (READER_LOCAL_PAGES), kept as sent: no round trip, no unpickled copy.
_recent_pages = reader.RecentPages()


def _cached_page(key: str) -> bytes | None:
    """The rendered page under ``key``: this worker's recent copy, else the shared cache (then kept here)."""
    if settings.READER_LOCAL_PAGES <= 0:
        return cache.get(key)
    html = _recent_pages.get(key)
    if html is None:
        html = cache.get(key)
        if html is not None:
            _recent_pages.put(key, html)
    return html


_CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def _conditional_response(request, page):
    """The 304 (or 412) a conditional request gets for this page, or None; a plain GET skips the parsing."""
    if not any(header in request.META for header in _CONDITIONAL_HEADERS):
        return None
    return get_conditional_response(request, etag=page.etag, last_modified=page.last_modified)


_UNASKED = object()


def _page_response(request, page, *, html: bytes | None = None, stale: bool = False, conditional=_UNASKED):
    """The page's response (or a 304), with the CSP nonce of this response on its JSON-LD script; ``html``
    is the page's bytes when ``page`` carries only its headers, ``conditional`` the caller's answer of
    ``_conditional_response`` when it asked already."""
    response = _conditional_response(request, page) if conditional is _UNASKED else conditional
    if response is None:
        html = page.html if html is None else html
        nonce = getattr(request, "csp_nonce", None)
        response = HttpResponse(structured_data.with_nonce(html, str(nonce)) if nonce is not None else html)
    for name, value in _page_headers(page.etag, page.last_modified, page.indexable):
        response[name] = value
    # Browsers revalidate every time (a withdrawal must take effect at once; revalidation is a cheap 304);
    # a CDN keeps the page for READER_S_MAXAGE and is purged on publish, unpublish and withdrawal.
    for name, value in cdn_headers(page.surrogate_keys):
        response[name] = value
    if stale:
        response["X-Served-Stale"] = "database unavailable"
    return response


@functools.lru_cache(maxsize=1024)
def _page_headers(etag: str, last_modified: int, indexable: bool) -> tuple[tuple[str, str], ...]:
    """An article page's own headers, worked out once per page. The response is new (a page or a 304), so
    Vary is set, not merged."""
    robots = () if indexable else (("X-Robots-Tag", "noindex"),)
    return (("ETag", etag), ("Last-Modified", http_date(last_modified)), *robots, ("Vary", "Cookie"))


def _not_live(request, slug):
    cache.delete_many(reader.stale_page_keys(slug=slug))  # never served again, even while the database is down
    article = selectors.article_for_readers(slug=slug)
    if article.withdrawn:
        response = render(request, "410.html", {"title": article.title}, status=410)
        return cache_for_cdn(response, keys=[article_key(article.pk)])
    raise Http404("This article is not published.")


@require_safe
def audience_switch(request, slug, audience):
    """Remember the reader's audience (a cookie, no account needed) and show the matching version."""
    if audience not in Audience.values:
        raise Http404("Unknown audience.")
    try:
        article = selectors.article_for_readers(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No article has this address.") from None
    other = None
    if audience != article.audience:
        other = selectors.counterpart_for_readers(
            article_id=article.pk, audience=article.audience, variant_of_id=article.variant_of_id
        )
    response = HttpResponseRedirect(reverse("articles:detail", kwargs={"slug": other["slug"] if other else slug}))
    response.set_cookie(
        reader.AUDIENCE_COOKIE, audience, max_age=reader.AUDIENCE_COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=request.is_secure(),
    )  # fmt: skip
    return response


@require_safe
def author_detail(request, slug):
    """An author's public profile: who they are, their checkable identifiers, and the live articles they wrote."""
    try:
        profile, articles = selectors.author_for_readers(slug=slug)
    except AuthorProfile.DoesNotExist:
        raise Http404("No author has this address.") from None
    url = reader.absolute_url(profile.get_absolute_url())
    person = structured_data.author_person(profile, url=url)
    page = {"@context": "https://schema.org", "@type": "ProfilePage", "url": url, "mainEntity": person}
    context = {"profile": profile, "articles": articles, "canonical_url": url, "json_ld": structured_data.json_ld(page)}
    return render(request, "articles/author.html", context)


# No CSRF token: the form sits on cached article pages shared by every reader, and an anonymous report
# carries no session or account whose authority a forged request could borrow. The honeypot and the
# per-address rate limit are the defences that matter here.
@csrf_exempt
@require_POST
def error_report(request, slug):
    """A reader's "report a problem" form: 201-style thank-you page, 400 with the form's errors, 429 when the
    address has sent too many reports this hour, 404 for an article that is not live."""
    try:
        article = selectors.article_for_readers(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No article has this address.") from None
    if article.live_publication is None:
        raise Http404("This article is not published.")
    form = ErrorReportForm(request.POST)
    context = {"article": article, "publication": article.live_publication, "report_form": form}
    if error_reports.error_report_rate_limited(address=request.META.get("REMOTE_ADDR", "")):
        context["refused"] = "You have sent several reports in the last hour. Please try again later."
        return render(request, "articles/report.html", context, status=429)
    if not form.is_spam():
        if form.is_valid():
            try:
                error_reports.error_report_submit(
                    article=article, **{k: form.cleaned_data[k] for k in ("category", "message", "email")}
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
        if not form.is_valid():
            return render(request, "articles/report.html", context, status=400)
    context["thanks"] = True
    return render(request, "articles/report.html", context)
