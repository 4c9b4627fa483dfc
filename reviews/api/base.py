"""What every token-authenticated endpoint shares: authentication, scopes, the rate, parsers, the
domain's errors as JSON, and the precondition: ``If-Match`` with the ETag read (``"<revision>.<version>"``:
any change to the article since refuses the write) or the revision alone (``"<revision>"``: a newer
revision refuses it)."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from rest_framework import exceptions, parsers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.models import Article
from reviews import permissions as perms
from reviews.api import schema  # noqa: F401  (registers the token scheme in the OpenAPI schema)
from reviews.api.auth import HasScope, TokenAuthentication, TokenRateThrottle
from reviews.exceptions import NotPermitted, StaleArticle, StaleEdit, TransitionNotAllowed, WorkflowError
from reviews.locking import lock_article
from reviews.workflow import transitions as workflow


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = 'This write needs If-Match with the ETag you read ("<revision>.<version>"), or "<revision>" alone.'
    default_code = "precondition_required"


class ArticleTextParser(parsers.BaseParser):
    """An article file sent as the request body (Markdown with front matter, or the page format)."""

    media_type = "text/*"

    def parse(self, stream, media_type=None, parser_context=None) -> str:
        data = stream.read() if stream is not None else b""
        if b"\x00" in data:
            raise exceptions.ParseError("The file is binary, not text.")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise exceptions.ParseError("The file is not UTF-8 text.") from None


def _error(status_code: int, message: str, code: str) -> Response:
    return Response({"detail": message, "code": code}, status=status_code)


class TokenApiView(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [parsers.JSONParser, ArticleTextParser, parsers.MultiPartParser]

    def handle_exception(self, exc):
        """The domain's refusals, with the domain's message: 403, 409, 412, 400."""
        if isinstance(exc, StaleArticle):
            return _error(status.HTTP_412_PRECONDITION_FAILED, str(exc), "stale_version")
        if isinstance(exc, StaleEdit):
            return _error(status.HTTP_412_PRECONDITION_FAILED, str(exc), "stale_revision")
        if isinstance(exc, NotPermitted):
            return _error(status.HTTP_403_FORBIDDEN, str(exc), "not_permitted")
        if isinstance(exc, TransitionNotAllowed):
            return _error(status.HTTP_409_CONFLICT, str(exc), "transition_not_allowed")
        if isinstance(exc, WorkflowError):
            return _error(status.HTTP_400_BAD_REQUEST, str(exc), "refused")
        if isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)

    def article(self, pk: int) -> Article:
        """The article if this user may see it at the desk (as the admin's change list), else 404."""
        article = Article.objects.select_related("topic", "live_publication__revision").filter(pk=pk).first()
        if article is None or not perms.can_view_article(self.request.user, article):
            raise Http404("No article with this id is visible to this account.")
        return article

    def expected(self) -> tuple[int, int | None]:
        """The If-Match precondition: (revision, version), the version None when only a revision is given."""
        raw = self.request.headers.get("If-Match", "").strip()
        if not raw:
            raise PreconditionRequired()
        revision, dot, version = raw.removeprefix("W/").strip('"').partition(".")
        parts = (revision, version) if dot else (revision,)
        if not all(part.isascii() and part.isdigit() and len(part) <= 9 for part in parts):
            raise exceptions.ValidationError(
                {"If-Match": [f'Expected the ETag you read, e.g. "3.7", or a revision, e.g. "3"; got {raw[:40]}.']}
            )
        return int(revision), int(version) if dot else None

    @contextmanager
    def at_revision(self, article: Article):
        """Lock the article and refuse (412) when it moved past the If-Match revision or, given the whole
        ETag, changed at all since it was read (StaleArticle naming what changed); the step runs inside."""
        revision, version = self.expected()
        with transaction.atomic():
            locked = lock_article(article)
            workflow.require_current(article=locked, expected_revision=revision)
            workflow.require_version(article=locked, expected_version=version)
            yield locked
