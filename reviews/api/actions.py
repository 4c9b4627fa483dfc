"""The desk's and the publisher's steps through the API: assign reviewers, publish, unpublish, schedule.

Each runs as the token's user through the service the admin calls, under the If-Match revision.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import status
from rest_framework.response import Response

from reviews.api import serializers as io
from reviews.api.base import TokenApiView
from reviews.api.models import ApiToken
from reviews.api.responses import IF_MATCH, ON_ARTICLE, desk_data, etag, fresh
from reviews.assignments import services as assignments
from reviews.exceptions import AssignmentRefused
from reviews.models import ReviewerProfile
from reviews.publishing import scheduling
from reviews.publishing import services as publishing

Scope = ApiToken.Scope
_Assigned = inline_serializer("Assigned", fields={"assignments": io.AssignmentSerializer(many=True)})


def _form(serializer_class, request):
    form = serializer_class(data=request.data if isinstance(request.data, dict) else {})
    form.is_valid(raise_exception=True)
    return form.validated_data


class AssignView(TokenApiView):
    """Invite reviewers to the current revision (``assignments_create``: editors; all or none)."""

    required_scope = Scope.REVIEW_DESK

    @extend_schema(request=io.AssignSerializer, parameters=[IF_MATCH], responses={201: _Assigned, **ON_ARTICLE})
    def post(self, request, pk: int):
        article = self.article(pk)
        values = _form(io.AssignSerializer, request)
        profiles = list(ReviewerProfile.objects.filter(pk__in=values["reviewers"]))
        missing = sorted(set(values["reviewers"]) - {p.pk for p in profiles})
        if missing:
            raise AssignmentRefused(f"No reviewer profile has the id(s) {', '.join(map(str, missing))}.")
        with self.at_revision(article) as locked:
            made = assignments.assignments_create(
                article=locked, reviewers=profiles, actor=request.user, due_at=values["due_at"],
                override_reason=values["override_reason"],
            )  # fmt: skip
        response = Response(
            {"assignments": io.AssignmentSerializer(made, many=True).data}, status=status.HTTP_201_CREATED
        )
        response["ETag"] = etag(fresh(article))
        return response


class PublishView(TokenApiView):
    """Publish the current revision (``publishing.publish``: editors; approved, or provisional if allowed)."""

    required_scope = Scope.PUBLISH

    @extend_schema(
        request=io.PublishSerializer, parameters=[IF_MATCH], responses={201: io.PublicationSerializer, **ON_ARTICLE}
    )
    def post(self, request, pk: int):
        article = self.article(pk)
        values = _form(io.PublishSerializer, request)
        with self.at_revision(article) as locked:
            publication = publishing.publish(
                article=locked, actor=request.user, reason=values["reason"], provisional=values["provisional"],
                change_kind=values["change_kind"], change_reason=values["change_reason"],
            )  # fmt: skip
        response = Response(io.PublicationSerializer(publication).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(fresh(article))
        return response


class UnpublishView(TokenApiView):
    """Take the article off the public site (``publishing.unpublish``: editors, with a reason)."""

    required_scope = Scope.PUBLISH

    @extend_schema(
        request=io.ReasonSerializer, parameters=[IF_MATCH], responses={200: io.DeskArticleSerializer, **ON_ARTICLE}
    )
    def post(self, request, pk: int):
        article = self.article(pk)
        values = _form(io.ReasonSerializer, request)
        with self.at_revision(article) as locked:
            publishing.unpublish(article=locked, actor=request.user, reason=values["reason"])
        article = fresh(article)
        response = Response(desk_data(article, request.user))
        response["ETag"] = etag(article)
        return response


class ScheduleView(TokenApiView):
    """Schedule the current revision's publication (``scheduling.schedule_create``: editors)."""

    required_scope = Scope.PUBLISH

    @extend_schema(
        request=io.ScheduleSerializer, parameters=[IF_MATCH], responses={201: io.ScheduleOutSerializer, **ON_ARTICLE}
    )
    def post(self, request, pk: int):
        article = self.article(pk)
        values = _form(io.ScheduleSerializer, request)
        with self.at_revision(article) as locked:
            schedule = scheduling.schedule_create(
                article=locked, actor=request.user, publish_at=values["publish_at"], reason=values["reason"],
                provisional=values["provisional"], change_kind=values["change_kind"],
                change_reason=values["change_reason"],
            )  # fmt: skip
        response = Response(io.ScheduleOutSerializer(schedule).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(fresh(article))
        return response
