"""DRF plumbing for API tokens: ``Authorization: Bearer <token>``, scope checks, a rate per token."""

from django.conf import settings
from rest_framework import authentication, exceptions, permissions, throttling

from reviews.api.tokens import token_for_secret


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticates as the token's user; ``request.auth`` is the ApiToken."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token as: Authorization: Bearer <token>.")
        try:
            clear = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("The token contains characters a token never has.") from None
        token, why = token_for_secret(clear=clear)
        if token is None:
            raise exceptions.AuthenticationFailed(why)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'  # makes DRF answer 401, not 403, without credentials


class HasScope(permissions.BasePermission):
    """The view's ``required_scope`` (or, per method, ``required_scopes[method]``) must be on the token."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if token is None or not hasattr(token, "scopes"):
            raise exceptions.NotAuthenticated("This endpoint needs an API token (Authorization: Bearer <token>).")
        scope = getattr(view, "required_scopes", {}).get(request.method, getattr(view, "required_scope", None))
        if scope and scope not in token.scopes:
            self.message = f"This token lacks the “{scope}” scope this action needs."
            return False
        return True


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """A request rate per token (``API_TOKEN_RATE``, e.g. "600/hour"), whoever the token belongs to."""

    scope = "api_token"

    def get_rate(self) -> str:
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view) -> str | None:
        token = request.auth
        if token is None or not hasattr(token, "pk"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
