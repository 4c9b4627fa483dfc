"""The read-only JSON API for integrators: what is live on the public site, and its workflow state.

Only live publications are exposed, with the facts the public page shows (the same rules, from
``articles.reader``): titles, summaries, HTML and references come from the publication, never
from the article's current, possibly unpublished, revision; reviewers appear only as the public
credit line and its date. Anonymous, GET only; every list page costs the same queries.
"""

from datetime import datetime

from django.db.models import F, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from articles import reader, selectors
from articles.models import Article, Audience, Reference, Topic

# Large columns no list row shows: loading them for 50 rows would cost more than the rest of the page.
_LIST_DEFERRED = ("live_publication__rendered_html", "live_publication__references", "live_publication__search_text")
_KINDS = frozenset(Reference.Kind.values)
_TEXT_FIELDS = ("authors", "title", "source", "details", "doi", "pmid", "pmcid", "isbn", "issn")


# Reads. Kept here rather than in articles.selectors because only this API composes them this way.


def articles_for_integrators(*, topic: str | None = None, updated_since: datetime | None = None) -> QuerySet[Article]:
    """Live articles (a live publication set), newest change first, optionally of one topic or changed since.

    ``updated_since`` compares with the article's ``updated_at``, which every edit, workflow step and
    publishing step moves. Raises ValidationError (400) naming an unknown topic.
    """
    if topic is not None and not Topic.objects.filter(slug=topic).exists():
        raise ValidationError({"topic": [f"No topic has the slug “{topic}”."]})
    articles = (
        selectors.live_articles()
        .annotate(live_revision_number=F("live_publication__revision__number"))
        .defer(*_LIST_DEFERRED)
        .order_by("-updated_at", "-pk")
    )
    if topic is not None:
        articles = articles.filter(topic__slug=topic)
    if updated_since is not None:
        articles = articles.filter(updated_at__gte=updated_since)
    return articles


class ArticleGone(APIException):
    status_code = 410
    default_detail = "This article was withdrawn from the public site."
    default_code = "gone"


def article_for_integrators(*, slug: str) -> Article:
    """One live article with its publication. Raises NotFound (404) for an unknown or never published
    article, and ArticleGone (410) for one editors withdrew and did not put back."""
    try:
        article = selectors.article_for_readers(slug=slug)
    except Article.DoesNotExist:
        raise NotFound("No article has this address.") from None
    if article.live_publication is None:
        if article.withdrawn:
            raise ArticleGone()
        raise NotFound("This article is not published.")
    return article


# Serializers: output only. Each reads the live publication the queryset joined.


class ArticleFilterSerializer(serializers.Serializer):
    topic = serializers.SlugField(required=False, help_text="Only articles of the topic with this slug.")
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="Only articles changed at or after this ISO 8601 time (e.g. 2026-05-29T10:30:00Z); "
        "without an offset it is read in the site's time zone.",
    )


class TopicSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class CreditSerializer(serializers.Serializer):
    display = serializers.CharField(help_text="The reviewer's public credit line, as on the article page.")
    reviewed_at = serializers.DateTimeField(allow_null=True)


class ReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Reference.Kind.choices)
    authors = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    details = serializers.CharField()
    doi = serializers.CharField()
    pmid = serializers.CharField()
    pmcid = serializers.CharField()
    isbn = serializers.CharField()
    issn = serializers.CharField()
    url = serializers.CharField(help_text="An http(s) address, or empty.")

    def to_representation(self, instance: dict) -> dict:
        # Publications pin references as stored JSON: normalise each to the documented shape.
        url = str(instance.get("url") or "")
        return {
            "number": int(instance["number"]),
            "kind": instance.get("kind") if instance.get("kind") in _KINDS else Reference.Kind.OTHER.value,
            "year": int(instance["year"]) if str(instance.get("year") or "").isdigit() else None,
            "url": url if url.startswith(("https://", "http://")) else "",
            **{name: str(instance.get(name) or "") for name in _TEXT_FIELDS},
        }


class ArticleSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField(source="live_publication.title", help_text="The title of the live version.")
    summary = serializers.CharField(source="live_publication.summary")
    audience = serializers.ChoiceField(choices=Audience.choices)
    topic = TopicSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=Article.Status.choices, help_text="The article's workflow state.")
    revision = serializers.IntegerField(help_text="The article's current revision number (maybe not yet live).")
    live_revision = serializers.IntegerField(source="live_revision_number", help_text="The revision readers see.")
    provisional = serializers.BooleanField(
        source="live_publication.provisional", help_text="Published before the board approved it."
    )
    published_at = serializers.DateTimeField(source="live_publication.published_at")
    updated_at = serializers.DateTimeField()
    last_reviewed = serializers.SerializerMethodField()
    next_review_due = serializers.DateField(allow_null=True)
    reviewer_credits = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def _credits(self, article: Article) -> list[reader.Credit]:
        # A provisional publication shows no credits or review date to readers, so none here either.
        publication = article.live_publication
        return [] if publication.provisional else reader.credits_of(publication)

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_last_reviewed(self, article: Article) -> datetime | None:
        if article.live_publication.provisional:
            return None
        return reader.last_reviewed(article, article.live_publication, self._credits(article))

    @extend_schema_field(CreditSerializer(many=True))
    def get_reviewer_credits(self, article: Article) -> list[dict]:
        return CreditSerializer(self._credits(article), many=True).data

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article: Article) -> str:
        return reader.absolute_url(article.get_absolute_url())


class ArticleDetailSerializer(ArticleSerializer):
    references = ReferenceSerializer(many=True, source="live_publication.references")
    html = serializers.CharField(source="live_publication.rendered_html", help_text="The sanitised article body.")

    def to_representation(self, instance: Article) -> dict:
        data = super().to_representation(instance)
        data["references"] = sorted(data["references"], key=lambda ref: ref["number"])
        return data


_Error = inline_serializer("Error", fields={"detail": serializers.CharField()})
_FilterError = inline_serializer(
    "FilterError",
    fields={
        "topic": serializers.ListField(child=serializers.CharField(), required=False),
        "updated_since": serializers.ListField(child=serializers.CharField(), required=False),
    },
)


# Views: parse the query, call one read, serialise. JSON only, anonymous, GET and HEAD only.


class ApiPagination(PageNumberPagination):
    page_size = 50


class _ReadOnly:
    authentication_classes: list = []  # anonymous: nothing here depends on who asks
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


@extend_schema(
    parameters=[ArticleFilterSerializer],
    responses={200: ArticleSerializer(many=True), 400: OpenApiResponse(_FilterError, "A filter value is invalid.")},
)
class ArticleListView(_ReadOnly, ListAPIView):
    """Articles live on the public site, 50 a page, most recently changed first."""

    serializer_class = ArticleSerializer
    pagination_class = ApiPagination

    def get_queryset(self) -> QuerySet[Article]:
        filters = ArticleFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return articles_for_integrators(**filters.validated_data)


@extend_schema(
    responses={
        200: ArticleDetailSerializer,
        404: OpenApiResponse(_Error, "No such article, or never published."),
        410: OpenApiResponse(_Error, "Withdrawn from the public site."),
    }
)
class ArticleDetailView(_ReadOnly, RetrieveAPIView):
    """One live article with its references and sanitised HTML."""

    serializer_class = ArticleDetailSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Article]:  # declares the model for the schema; reads go through get_object
        return selectors.live_articles()

    def get_object(self) -> Article:
        return article_for_integrators(slug=self.kwargs["slug"])
