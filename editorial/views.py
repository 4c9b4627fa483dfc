"""Site pages that draw on both apps. They live in the project package, above ``articles`` and
``reviews``, so ``articles`` never has to import ``reviews`` to show the board."""

from django.conf import settings
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles import reader, structured_data
from articles.rendering import render_body
from articles.selectors import site_settings_for_readers
from reviews.board.selectors import board_for_readers, reviewer_for_readers
from reviews.models import ReviewerProfile


@require_safe
def editorial_policy(request):
    """How review works (Markdown editors write in Site settings) and who the board is."""
    site = site_settings_for_readers()
    policy_html = render_body(body=site.editorial_policy, reference_numbers=set()).html
    return render(
        request,
        "articles/policy.html",
        {"policy_html": policy_html, "board": board_for_readers(), "disclaimer": site.disclaimer},
    )


def reviewer_person(profile: ReviewerProfile, *, url: str) -> dict:
    """A board reviewer as a schema.org Person; ``url`` is the absolute address of their page."""
    details = {"honorificSuffix": profile.degree, "knowsAbout": profile.specialty}
    return structured_data.person(
        url=url, name=profile.display_name, details=details, affiliation=profile.affiliation,
        photo_url=profile.photo_url,
    )  # fmt: skip


@require_safe
def reviewer_detail(request, pk: int):
    """A board reviewer's public page: credentials, specialty, affiliation and the live articles they reviewed."""
    try:
        profile, articles = reviewer_for_readers(pk=pk)
    except ReviewerProfile.DoesNotExist:
        raise Http404("No reviewer has this address.") from None
    url = reader.absolute_url(reverse("reviewer", kwargs={"pk": pk}))
    page = {"@context": "https://schema.org", "@type": "ProfilePage", "url": url,
            "mainEntity": reviewer_person(profile, url=url)}  # fmt: skip
    context = {"profile": profile, "articles": articles, "canonical_url": url, "json_ld": structured_data.json_ld(page)}
    return render(request, "articles/reviewer.html", context)


@require_safe
def advertising_policy(request):
    """Whether and how the site takes advertising and sponsorship (Markdown editors write in Site settings)."""
    site = site_settings_for_readers()
    policy_html = render_body(body=site.advertising_policy, reference_numbers=set()).html
    return render(request, "articles/advertising_policy.html", {"policy_html": policy_html})


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /review/",
        "Disallow: /accounts/",
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def admin_shortcut(request, content_type_id: int, object_id: str):
    """The admin's "view on site" redirect, with an id that does not fit the model's key (a word for a
    UUID key) answering 404 like any unknown object, not 500."""
    try:
        return shortcut(request, content_type_id, object_id)
    except ValidationError:
        raise Http404("No such object.") from None
