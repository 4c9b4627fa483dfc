"""The write API: articles from files or JSON, the workflow steps, reviewer assignment, publishing.

Every action is taken as the token's user through the same domain services the admin calls
(``articles.revisions``, ``reviews.workflow``, ``reviews.assignments.services``,
``reviews.publishing``), so the two answer alike; the token's scopes narrow what it may do.
"""

from django.db import transaction
from django.utils.text import slugify
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response

from articles.models import Article, ArticleRevision
from articles.revisions import article_create
from articles.trust import provenance_record
from articles.validation.reports import latest_report
from reviews.api import serializers as io
from reviews.api.base import ArticleTextParser, TokenApiView
from reviews.api.models import ApiToken
from reviews.api.responses import ARTICLE_REQUEST, COMMON, IF_MATCH, ON_ARTICLE, desk_data, fresh, with_etag
from reviews.workflow import gate
from reviews.workflow import transitions as workflow

Scope = ApiToken.Scope


def _provenance(*, article: Article, values: dict, actor) -> None:
    """Record the provenance sent with a write for the article's current revision (ValidationError: 400)."""
    if values.get("provenance"):
        revision = ArticleRevision.objects.get(article=article, number=article.revision)
        provenance_record(revision=revision, actor=actor, **values["provenance"])


class _ArticleWrite(TokenApiView):
    def article_input(self) -> dict:
        if isinstance(self.request.data, str):
            return io.article_input_from_text(self.request.data)
        upload = self.request.FILES.get("file")
        if upload is not None:
            options = io.EditOptionsSerializer(data={k: v for k, v in self.request.data.items() if k != "file"})
            options.is_valid(raise_exception=True)
            values = io.article_input_from_text(ArticleTextParser().parse(upload))
            return {**values, "non_material": options.validated_data["non_material_reason"]}
        if not isinstance(self.request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Send a JSON object or an article file."]})
        return io.article_input_from_json(self.request.data)


class ArticleCreateView(_ArticleWrite):
    """Create a draft article from a Markdown or page-format file, or from JSON; the caller is its author."""

    required_scope = Scope.SUBMIT

    @extend_schema(request=ARTICLE_REQUEST, responses={201: io.DeskArticleSerializer, **COMMON})
    def post(self, request):
        if not request.user.has_perm("articles.add_article"):  # the admin's add permission
            raise exceptions.PermissionDenied(f"{request.user} may not create articles.")
        values = self.article_input()
        content, metadata = values["content"].normalised(), values["metadata"]
        with transaction.atomic():  # a refused provenance leaves no article behind
            article = article_create(
                title=content.title, slug=(values["slug"] or slugify(content.title))[:200], summary=content.summary,
                body=content.body, references=content.references, author=request.user, actor=request.user,
                reason=values["reason"] or "created through the API", **metadata,
            )  # fmt: skip
            _provenance(article=article, values=values, actor=request.user)
        article = fresh(article)
        return with_etag(Response(desk_data(article, request.user), status=status.HTTP_201_CREATED), article)


class ArticleView(_ArticleWrite):
    """Read an article as the desk sees it (ETag: "<revision>.<version>"), or replace its content (a new revision)."""

    required_scopes = {"GET": Scope.READ, "HEAD": Scope.READ, "PUT": Scope.SUBMIT}

    @extend_schema(responses={200: io.DeskArticleSerializer, **COMMON, 404: ON_ARTICLE[404]})
    def get(self, request, pk: int):
        article = self.article(pk)
        return with_etag(Response(desk_data(article, request.user)), article)

    @extend_schema(
        request=ARTICLE_REQUEST, parameters=[IF_MATCH], responses={200: io.DeskArticleSerializer, **ON_ARTICLE}
    )
    def put(self, request, pk: int):
        """The desk's save (``workflow.article_edit``): If-Match is the precondition, and the whole ETag is also
        the row version the save starts from; ``non_material_reason`` claims a non-material edit."""
        article = self.article(pk)
        values = self.article_input()
        reason = values["reason"] or "updated through the API"
        with self.at_revision(article) as locked:
            _, revision = workflow.article_edit(
                article=locked, actor=request.user, content=values["content"], metadata=values["metadata"],
                reason=reason, expected_revision=locked.revision, expected_version=self.expected()[1],
                non_material=values["non_material"],
            )  # fmt: skip
            _provenance(article=Article.objects.get(pk=article.pk), values=values, actor=request.user)
        article = fresh(article)
        claim = gate.latest_claim(article=article) if revision is not None and values["non_material"] else None
        answer = {"accepted": claim.accepted, "refusal": claim.refusal} if claim is not None else None
        return with_etag(Response(desk_data(article, request.user, non_material=answer)), article)


class ReportView(TokenApiView):
    """The validation report of the article's current revision."""

    required_scope = Scope.READ

    @extend_schema(responses={200: io.ReportSerializer, **COMMON, 404: ON_ARTICLE[404]})
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
        return with_etag(Response(io.ReportSerializer(report).data), article)


class SubmitView(TokenApiView):
    """Submit the article for review (``workflow.submit``: its author or an editor)."""

    required_scope = Scope.SUBMIT

    @extend_schema(
        request=io.ReasonSerializer, parameters=[IF_MATCH], responses={200: io.DeskArticleSerializer, **ON_ARTICLE}
    )
    def post(self, request, pk: int):
        article = self.article(pk)
        form = io.ReasonSerializer(data=request.data if isinstance(request.data, dict) else {})
        form.is_valid(raise_exception=True)
        with self.at_revision(article) as locked:
            workflow.submit(
                article=locked, actor=request.user, reason=form.validated_data["reason"] or "Submitted for review"
            )
        article = fresh(article)
        return with_etag(Response(desk_data(article, request.user)), article)
