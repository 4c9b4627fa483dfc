"""The Content-Security-Policy header, and the article page's JSON-LD served with the response's nonce."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from reviews.publishing import services as publishing
from tests.factories import make_article, make_reviewer, make_user, take_through_review

ROOT = Path(__file__).resolve().parents[2]
JSON_LD = re.compile(r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', re.S)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def live_article(db):
    editor = make_user("csp-editor", roles=["editor"])
    article = take_through_review(make_article(), editor=editor, reviewer=make_reviewer("csp-reviewer"))
    publishing.publish(article=article, actor=editor, reason="approved by the board")
    return article


def test_every_page_carries_a_policy_without_unsafe_inline(client, db):
    for url in ("/", "/topics/", "/accounts/login/", "/admin/login/"):
        response = client.get(url)
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url


def test_json_ld_is_served_with_the_nonce_of_its_response(client, live_article):
    first = client.get(live_article.get_absolute_url())
    second = client.get(live_article.get_absolute_url())  # from the page cache
    nonces = []
    for response in (first, second):
        assert response.status_code == 200
        found = JSON_LD.findall(response.content.decode())
        assert len(found) == 1, "exactly one JSON-LD element, with a nonce"
        nonce, text = found[0]
        assert f"'nonce-{nonce}'" in _policy(response)["script-src"]
        assert json.loads(text)["@type"] == "MedicalWebPage"
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a cached page still gets a fresh nonce per response"


def test_templates_hold_no_inline_script_or_style_without_the_nonce():
    """Inline code needs the response's nonce; the project's templates link static files instead, except the
    dossier's print styles, which stay in the page so a saved copy prints the same."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        inline = (
            r"<(style|script)(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)"
            r"(?![^>]*nonce=\"\{\{ request\.csp_nonce \}\}\")"
        )
        if re.search(inline + r"[^>]*>|\son[a-z]+=", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_the_dossier_print_styles_carry_the_nonce_of_their_response(client, editor, live_article):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_dossier", args=[live_article.pk]))
    assert response.status_code == 200
    [nonce] = re.findall(r'<style nonce="([^"]+)">', response.content.decode())
    assert f"'nonce-{nonce}'" in _policy(response)["style-src"]
    assert "@media print" in response.content.decode()
