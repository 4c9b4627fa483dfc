"""API tokens: stored hashed, shown once, scoped, revocable, expiring, rate limited per token."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from reviews.api.models import ApiToken
from reviews.api.tokens import token_create, token_digest, token_revoke
from reviews.exceptions import NotPermitted, WorkflowError
from tests.factories import make_article, make_user

pytestmark = pytest.mark.django_db


def _get(client, path, clear):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {clear}")


def test_token_is_stored_as_a_sha256_digest_only(author):
    issued = token_create(owner=author, actor=author, name="drafting tool", scopes=["read"])
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.clear.startswith("imp_") and len(issued.clear) > 40
    assert token.digest == token_digest(issued.clear)
    assert issued.clear not in {token.digest, token.prefix, token.name}


def test_only_the_owner_or_an_editor_in_chief_manages_a_token(author, editor, chief):
    with pytest.raises(NotPermitted):
        token_create(owner=author, actor=editor, name="x", scopes=["read"])
    issued = token_create(owner=author, actor=chief, name="integration", scopes=["read"])
    with pytest.raises(NotPermitted):
        token_revoke(token=issued.token, actor=editor, reason="no")
    token_revoke(token=issued.token, actor=chief, reason="rotated")


@pytest.mark.parametrize("scopes", [[], ["write-all"]])
def test_unknown_or_missing_scopes_are_refused(author, scopes):
    with pytest.raises(WorkflowError, match="scopes"):
        token_create(owner=author, actor=author, name="x", scopes=scopes)


def test_a_token_without_the_scope_is_refused_with_403_naming_it(client, author):
    article = make_article(author=author)
    issued = token_create(owner=author, actor=author, name="poster", scopes=["submit"])
    response = _get(client, f"/api/desk/articles/{article.pk}/", issued.clear)
    assert response.status_code == 403
    assert "read" in response.json()["detail"]


def test_revoked_and_expired_tokens_authenticate_no_one(client, author):
    article = make_article(author=author)
    issued = token_create(owner=author, actor=author, name="r", scopes=["read"])
    assert _get(client, f"/api/desk/articles/{article.pk}/", issued.clear).status_code == 200
    token_revoke(token=issued.token, actor=author, reason="laptop lost")
    response = _get(client, f"/api/desk/articles/{article.pk}/", issued.clear)
    assert (response.status_code, response.json()["detail"]) == (401, "This API token was revoked.")

    later = token_create(
        owner=author, actor=author, name="e", scopes=["read"], expires_at=timezone.now() + timedelta(hours=1)
    )
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        response = _get(client, f"/api/desk/articles/{article.pk}/", later.clear)
    assert (response.status_code, response.json()["detail"]) == (401, "This API token has expired.")


def test_no_token_is_401_and_a_made_up_one_too(client, author):
    article = make_article(author=author)
    assert client.get(f"/api/desk/articles/{article.pk}/").status_code == 401
    assert _get(client, f"/api/desk/articles/{article.pk}/", "imp_nonsense").status_code == 401


def test_last_used_is_recorded(client, author):
    article = make_article(author=author)
    issued = token_create(owner=author, actor=author, name="r", scopes=["read"])
    _get(client, f"/api/desk/articles/{article.pk}/", issued.clear)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_rate_limit_is_per_token(client, settings, author):
    from django.core.cache import cache

    cache.clear()
    settings.API_TOKEN_RATE = "2/minute"
    article = make_article(author=author)
    first = token_create(owner=author, actor=author, name="a", scopes=["read"])
    second = token_create(owner=author, actor=author, name="b", scopes=["read"])
    path = f"/api/desk/articles/{article.pk}/"
    codes = [_get(client, path, first.clear).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert _get(client, path, second.clear).status_code == 200  # another token has its own budget
    cache.clear()


def test_admin_shows_the_clear_token_once_and_revokes_without_deleting(client, chief):
    owner = make_user("integration")
    client.force_login(chief)
    response = client.post(
        "/admin/reviews/apitoken/add/",
        {"user": owner.pk, "name": "CMS", "scopes": ["read", "publish"], "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    token = ApiToken.objects.get(name="CMS")
    shown = [str(m) for m in response.context["messages"] if "shown only once" in str(m)]
    assert len(shown) == 1 and token.prefix in shown[0]
    clear = shown[0].split(" is ", 1)[1].split(" ")[0]
    assert token_digest(clear) == token.digest and token.user == owner
    assert "shown only once" not in client.get(f"/admin/reviews/apitoken/{token.pk}/change/").content.decode()

    client.post("/admin/reviews/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_by == chief and token.revoked_at is not None
    assert client.post(f"/admin/reviews/apitoken/{token.pk}/delete/").status_code == 403


def test_an_editor_sees_and_issues_only_their_own_tokens(client, editor, author):
    token_create(owner=author, actor=author, name="author's", scopes=["read"])
    client.force_login(editor)
    page = client.get("/admin/reviews/apitoken/").content.decode()
    assert "author&#x27;s" not in page and "author's" not in page
    client.post("/admin/reviews/apitoken/add/", {"user": author.pk, "name": "sneaky", "scopes": ["read"]})
    assert not ApiToken.objects.filter(name="sneaky").exists()
