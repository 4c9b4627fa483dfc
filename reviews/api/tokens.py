"""API tokens: create (the clear token returned once), revoke (recorded), and look up by the clear token.

A user creates and revokes their own tokens; an editor-in-chief may do so for any account
(integration accounts). Only ``sha256(token)`` is stored, so a leaked database holds no usable token.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from reviews import permissions as perms
from reviews.api.models import ApiToken
from reviews.exceptions import NotPermitted, WorkflowError

TOKEN_PREFIX = "imp_"
SCOPES = frozenset(ApiToken.Scope.values)
# Writing last_used_at on every request would turn each read into a write; a minute's precision is enough.
_LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    clear: str  # shown once, never stored


def token_digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def may_manage(actor, owner) -> bool:
    return getattr(actor, "pk", None) == owner.pk or perms.is_editor_in_chief(actor)


def token_create(*, owner, actor, name: str, scopes: list[str], expires_at: datetime | None = None) -> IssuedToken:
    """Issue a token for ``owner``. The owner, or an editor-in-chief for any account.

    Raises NotPermitted for anyone else, WorkflowError for no name, an unknown scope or a past expiry.
    """
    if not may_manage(actor, owner):
        raise NotPermitted("create token", "-", "only the account's owner or an editor-in-chief may create its tokens")
    if not name or not name.strip():
        raise WorkflowError("A token needs a name saying what it is for.")
    unknown = sorted(set(scopes) - SCOPES)
    if unknown or not scopes:
        raise WorkflowError(
            f"Unknown or missing scopes: {', '.join(unknown) or 'none given'}; choose from {', '.join(sorted(SCOPES))}."
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise WorkflowError("The expiry must be in the future.")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner, name=name.strip(), prefix=clear[:12], digest=token_digest(clear),
        scopes=sorted(set(scopes)), created_by=actor, expires_at=expires_at,
    )  # fmt: skip
    return IssuedToken(token=token, clear=clear)


def token_revoke(*, token: ApiToken, actor, reason: str) -> ApiToken:
    """Revoke a token (the record stays). The owner or an editor-in-chief; a reason is required."""
    if not may_manage(actor, token.user):
        raise NotPermitted("revoke token", "-", "only the token's owner or an editor-in-chief may revoke it")
    if not reason or not reason.strip():
        raise WorkflowError("A reason for revoking is required.")
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            raise WorkflowError(f"The token “{token.name}” is already revoked.")
        token.revoked_at, token.revoked_by, token.revoke_reason = timezone.now(), actor, reason.strip()
        token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return token


def token_for_secret(*, clear: str) -> tuple[ApiToken | None, str]:
    """The live token for a clear secret, or None and why not (unknown, revoked, expired, inactive user).

    Records the time of use (to the minute).
    """
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(clear)).first()
    now = timezone.now()
    if token is None:
        return None, "Unknown API token."
    if token.revoked_at is not None:
        return None, "This API token was revoked."
    if token.expires_at is not None and token.expires_at <= now:
        return None, "This API token has expired."
    if not token.user.is_active:
        return None, "The account of this API token is inactive."
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # not a history-tracked row
        token.last_used_at = now
    return token, ""
