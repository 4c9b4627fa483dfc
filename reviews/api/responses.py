"""What the write API's views share: the OpenAPI pieces, the article's desk representation, its ETag."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from articles.models import Article
from reviews.api import serializers as io
from reviews.workflow import transitions as workflow


def etag(article: Article) -> str:
    """The article's revision and row version: any write to the article (content, metadata, a step) changes it."""
    return f'"{article.revision}.{article.version}"'


Error = inline_serializer("ApiError", fields={"detail": serializers.CharField(), "code": serializers.CharField()})
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description='The ETag the write starts from, e.g. "3.7" (412 when the article changed since), or its '
    'revision alone, e.g. "3" (412 when a newer revision exists).',
)  # fmt: skip
ARTICLE_REQUEST = {
    "application/json": io.ArticleInputSerializer,
    "text/markdown": OpenApiTypes.STR,
    "text/plain": OpenApiTypes.STR,
}
COMMON = {
    400: OpenApiResponse(description="Invalid input or a refusal naming why."),
    401: OpenApiResponse(Error, "No valid token."),
    403: OpenApiResponse(Error, "The token's scope or the user's role does not allow it."),
    429: OpenApiResponse(Error, "Too many requests for this token."),
}
ON_ARTICLE = {
    **COMMON,
    404: OpenApiResponse(Error, "No such article visible to this account."),
    409: OpenApiResponse(Error, "The step does not apply to the article's state."),
    412: OpenApiResponse(Error, "The article changed since the If-Match ETag (or moved past its revision)."),
    428: OpenApiResponse(Error, "If-Match is missing."),
}


def desk_data(article: Article, user, *, non_material: dict | None = None) -> dict:
    names = [name for name, _rule in workflow.available_transitions(article=article, user=user)]
    extra = {"non_material": non_material} if non_material is not None else {}
    return io.DeskArticleSerializer({**_fields(article), "available_transitions": names, **extra}).data


def _fields(article: Article) -> dict:
    names = ("id", "slug", "title", "summary", "body", "audience", "topic", "status", "revision", "live_publication")
    return {name: getattr(article, name) for name in names}


def with_etag(response: Response, article: Article) -> Response:
    response["ETag"] = etag(article)
    return response


def fresh(article: Article) -> Article:
    return Article.objects.select_related("topic", "live_publication__revision").get(pk=article.pk)
