"""The public reader site. Views parse input, call one selector, and render; the rules are in
``articles.reader`` (what a page shows and how it is identified) and ``articles.selectors``."""

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from articles import reader, selectors, structured_data
from articles.models import Article, Audience, Topic
from articles.search import publications_search, query_text

PAGE_CACHE_SECONDS = 24 * 3600


@require_safe
def home(request):
    return render(request, "articles/home.html", selectors.home_for_readers())


@require_safe
def topic_index(request):
    return render(request, "articles/topic_index.html", {"topics": selectors.topics_for_readers()})


@require_safe
def topic_detail(request, slug):
    try:
        topic, articles = selectors.topic_for_readers(slug=slug)
    except Topic.DoesNotExist:
        raise Http404("No topic has this address.") from None
    canonical_url = reader.absolute_url(topic.get_absolute_url())
    return render(
        request, "articles/topic.html", {"topic": topic, "articles": articles, "canonical_url": canonical_url}
    )


@require_safe
def search(request):
    query = query_text(request.GET.get("q", ""))
    hits = publications_search(query=query) if query else []
    return render(request, "articles/search.html", {"query": query, "hits": hits})


@require_safe
def article_detail(request, slug):
    """The live publication of an article: 404 if never published, 410 if withdrawn; cached and conditional.

    A cached page (or a 304) costs one small query, the stamp; a fresh render two, plus one to find
    the other-audience version for a reader who chose the other audience.
    """
    stamp = selectors.article_page_stamp(slug=slug)
    if stamp is None:
        raise Http404("No article has this address.")
    if stamp["live_publication_id"] is None:
        return _not_live(request, slug)
    preference = reader.audience_choice(request.COOKIES.get(reader.AUDIENCE_COOKIE))
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
    last_modified = int(identity.last_modified.timestamp())  # HTTP dates have whole seconds
    response = get_conditional_response(request, etag=identity.etag, last_modified=last_modified)
    if response is None:
        html = cache.get(identity.cache_key)
        if html is None:
            article = selectors.article_for_readers(slug=slug)
            context = _article_context(article, reader.disclaimer_of(stamp), preference, missing_variant, identity)
            html = render_to_string("articles/article.html", context).encode()  # stored as the bytes sent
            if reader.stamp_matches(stamp, article):  # not if a publish landed between the two reads
                cache.set(identity.cache_key, html, PAGE_CACHE_SECONDS)
        response = HttpResponse(html)
    response["ETag"] = identity.etag
    response["Last-Modified"] = http_date(last_modified)
    if not identity.indexable:
        response["X-Robots-Tag"] = "noindex"
    # Readers revalidate every time (a withdrawal must take effect at once); revalidation is a cheap 304.
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _not_live(request, slug):
    article = selectors.article_for_readers(slug=slug)
    if article.withdrawn:
        return render(request, "410.html", {"title": article.title}, status=410)
    raise Http404("This article is not published.")


def _article_context(article, disclaimer, preference, missing_variant, identity) -> dict:
    publication = article.live_publication
    url = reader.absolute_url(article.get_absolute_url())
    credits = reader.credits_of(publication)
    references = reader.references_of(publication)
    last_reviewed = reader.last_reviewed(article, publication, credits)
    page = structured_data.medical_web_page(
        article=article, publication=publication, url=url, credits=credits, references=references,
        last_reviewed=last_reviewed,
    )  # fmt: skip
    return {
        "article": article,
        "publication": publication,
        "canonical_url": url,
        "steps": reader.review_steps(article, publication),
        "status_summary": reader.status_summary(article, publication),
        "credits": [] if publication.provisional else credits,
        "references": references,
        "last_reviewed": None if publication.provisional else last_reviewed,
        "identity": identity,
        "audiences": Audience.choices,
        "missing_variant": missing_variant,
        "preference_label": Audience(preference).label if preference else "",
        "disclaimer": disclaimer,
        "json_ld": structured_data.json_ld(page),
        "open_graph": structured_data.open_graph(publication=publication, url=url),
    }


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
