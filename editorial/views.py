"""Site pages that draw on both apps. They live in the project package, above ``articles`` and
``reviews``, so ``articles`` never has to import ``reviews`` to show the board."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from articles.rendering import render_body
from articles.selectors import site_settings_for_readers
from reviews.board.selectors import board_for_readers


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
