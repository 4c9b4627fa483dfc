"""What the write API's views share: the OpenAPI pieces, the article's desk representation, its ETag."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from articles.models import Article
from reviews.api import serializers as io
from reviews.workflow import transitions as workflow


def etag(article: Article) -> str:
    return f'"{article.revision}"'


Error = inline_serializer("ApiError", fields={"detail": serializers.CharField(), "code": serializers.CharField()})
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description='The revision ETag the write starts from, e.g. "3" (412 when the article moved on).',
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
    412: OpenApiResponse(Error, "The article moved past the If-Match revision."),
    428: OpenApiResponse(Error, "If-Match is missing."),
}


def desk_data(article: Article, user) -> dict:
    names = [name for name, _rule in workflow.available_transitions(article=article, user=user)]
    return io.DeskArticleSerializer({**_fields(article), "available_transitions": names}).data


def _fields(article: Article) -> dict:
    names = ("id", "slug", "title", "summary", "body", "audience", "topic", "status", "revision", "live_publication")
    return {name: getattr(article, name) for name in names}


def with_etag(response: Response, article: Article) -> Response:
    response["ETag"] = etag(article)
    return response


def fresh(article: Article) -> Article:
    return Article.objects.select_related("topic", "live_publication__revision").get(pk=article.pk)
