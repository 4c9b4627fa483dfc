"""The write API: articles from files or JSON, the workflow steps, reviewer assignment, publishing.

Every action is taken as the token's user through the same domain services the admin calls
(``articles.revisions``, ``reviews.workflow``, ``reviews.assignments.services``,
``reviews.publishing``), so the two answer alike; the token's scopes narrow what it may do.
"""

from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from articles.models import Article, ArticleRevision
from articles.revisions import article_create
from articles.validation.reports import latest_report
from reviews.api import serializers as io
from reviews.api.base import ArticleTextParser, TokenApiView, etag
from reviews.api.models import ApiToken
from reviews.workflow import transitions as workflow

Scope = ApiToken.Scope
_Error = inline_serializer("ApiError", fields={"detail": serializers.CharField(), "code": serializers.CharField()})
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description='The revision ETag the write starts from, e.g. "3" (412 when the article moved on).',
)  # fmt: skip
ARTICLE_REQUEST = {
    "application/json": io.ArticleInputSerializer,
    "text/markdown": OpenApiTypes.STR,
    "text/plain": OpenApiTypes.STR,
}
_COMMON = {
    400: OpenApiResponse(description="Invalid input or a refusal naming why."),
    401: OpenApiResponse(_Error, "No valid token."),
    403: OpenApiResponse(_Error, "The token's scope or the user's role does not allow it."),
    429: OpenApiResponse(_Error, "Too many requests for this token."),
}
_ON_ARTICLE = {
    **_COMMON,
    404: OpenApiResponse(_Error, "No such article visible to this account."),
    409: OpenApiResponse(_Error, "The step does not apply to the article's state."),
    412: OpenApiResponse(_Error, "The article moved past the If-Match revision."),
    428: OpenApiResponse(_Error, "If-Match is missing."),
}


def desk_data(article: Article, user) -> dict:
    names = [name for name, _rule in workflow.available_transitions(article=article, user=user)]
    return io.DeskArticleSerializer({**_fields(article), "available_transitions": names}).data


def _fields(article: Article) -> dict:
    names = ("id", "slug", "title", "summary", "body", "audience", "topic", "status", "revision", "live_publication")
    return {name: getattr(article, name) for name in names}


def _with_etag(response: Response, article: Article) -> Response:
    response["ETag"] = etag(article)
    return response


def _fresh(article: Article) -> Article:
    return Article.objects.select_related("topic", "live_publication__revision").get(pk=article.pk)


class _ArticleWrite(TokenApiView):
    def article_input(self) -> dict:
        if isinstance(self.request.data, str):
            return io.article_input_from_text(self.request.data)
        upload = self.request.FILES.get("file")
        if upload is not None:
            return io.article_input_from_text(ArticleTextParser().parse(upload))
        if not isinstance(self.request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object or an article file."]})
        return io.article_input_from_json(self.request.data)


class ArticleCreateView(_ArticleWrite):
    """Create a draft article from a Markdown or page-format file, or from JSON; the caller is its author."""

    required_scope = Scope.SUBMIT

    @extend_schema(request=ARTICLE_REQUEST, responses={201: io.DeskArticleSerializer, **_COMMON})
    def post(self, request):
        if not request.user.has_perm("articles.add_article"):  # the admin's add permission
            raise exceptions.PermissionDenied(f"{request.user} may not create articles.")
        values = self.article_input()
        content, metadata = values["content"].normalised(), values["metadata"]
        article = article_create(
            title=content.title, slug=(values["slug"] or slugify(content.title))[:200], summary=content.summary,
            body=content.body, references=content.references, author=request.user, actor=request.user,
            reason=values["reason"] or "created through the API", **metadata,
        )  # fmt: skip
        article = _fresh(article)
        return _with_etag(Response(desk_data(article, request.user), status=status.HTTP_201_CREATED), article)


class ArticleView(_ArticleWrite):
    """Read an article as the desk sees it (ETag: its revision), or replace its content (a new revision)."""

    required_scopes = {"GET": Scope.READ, "HEAD": Scope.READ, "PUT": Scope.SUBMIT}

    @extend_schema(responses={200: io.DeskArticleSerializer, **_COMMON, 404: _ON_ARTICLE[404]})
    def get(self, request, pk: int):
        article = self.article(pk)
        return _with_etag(Response(desk_data(article, request.user)), article)

    @extend_schema(
        request=ARTICLE_REQUEST, parameters=[IF_MATCH], responses={200: io.DeskArticleSerializer, **_ON_ARTICLE}
    )
    def put(self, request, pk: int):
        article = self.article(pk)
        values = self.article_input()
        reason = values["reason"] or "updated through the API"
        with self.at_revision(article) as locked:
            workflow.article_edit(
                article=locked, actor=request.user, content=values["content"], metadata=values["metadata"],
                reason=reason, expected_revision=locked.revision,
            )  # fmt: skip
        article = _fresh(article)
        return _with_etag(Response(desk_data(article, request.user)), article)


class ReportView(TokenApiView):
    """The validation report of the article's current revision."""

    required_scope = Scope.READ

    @extend_schema(responses={200: io.ReportSerializer, **_COMMON, 404: _ON_ARTICLE[404]})
    def get(self, request, pk: int):
        article = self.article(pk)
        revision = ArticleRevision.objects.get(article=article, number=article.revision)
        report = latest_report(revision=revision)
        if report is None:  # validation runs as a task after each revision; reading never writes
            return Response(
                {
                    "detail": f"Revision {revision.number} is still being validated; ask again shortly.",
                    "code": "pending",
                },
                status=status.HTTP_404_NOT_FOUND,
            )
        return _with_etag(Response(io.ReportSerializer(report).data), article)


class SubmitView(TokenApiView):
    """Submit the article for review (``workflow.submit``: its author or an editor)."""

    required_scope = Scope.SUBMIT

    @extend_schema(
        request=io.ReasonSerializer, parameters=[IF_MATCH], responses={200: io.DeskArticleSerializer, **_ON_ARTICLE}
    )
    def post(self, request, pk: int):
        article = self.article(pk)
        form = io.ReasonSerializer(data=request.data if isinstance(request.data, dict) else {})
        form.is_valid(raise_exception=True)
        with self.at_revision(article) as locked:
            workflow.submit(
                article=locked, actor=request.user, reason=form.validated_data["reason"] or "Submitted for review"
            )
        article = _fresh(article)
        return _with_etag(Response(desk_data(article, request.user)), article)
