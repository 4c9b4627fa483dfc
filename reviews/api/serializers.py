"""Input and output shapes of the write API. Input serializers parse one request for one service call."""

from django.utils.text import slugify
from rest_framework import serializers

from articles.fileformat import ArticleFileError, parse_article_text
from articles.models import Article, Audience, PublicationChange, Reference, RevisionProvenance, Topic
from articles.revisions import Content
from articles.validation.references import parse_reference
from articles.validators import SingleLineValidator

ARTICLE_FILE_TYPES = ("text/markdown", "text/plain")


class ReferenceInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Reference.Kind.choices, default=Reference.Kind.OTHER)
    authors = serializers.CharField(max_length=2000, allow_blank=True, default="")
    title = serializers.CharField(max_length=2000)
    source = serializers.CharField(max_length=500, allow_blank=True, default="")
    year = serializers.IntegerField(min_value=1000, max_value=2999, allow_null=True, default=None)
    details = serializers.CharField(max_length=500, allow_blank=True, default="")
    doi = serializers.CharField(max_length=200, allow_blank=True, default="")
    pmid = serializers.RegexField(r"^[0-9]{0,12}$", allow_blank=True, default="")
    pmcid = serializers.CharField(max_length=40, allow_blank=True, default="")
    isbn = serializers.CharField(max_length=40, allow_blank=True, default="")
    issn = serializers.CharField(max_length=40, allow_blank=True, default="")
    url = serializers.URLField(max_length=500, allow_blank=True, default="")


class ProvenanceInputSerializer(serializers.Serializer):
    """How the revision was made (``articles.trust.provenance_record``): needed before submission when the site
    requires provenance. AI-assisted needs the tool and what it did; imported needs the source address."""

    method = serializers.ChoiceField(choices=RevisionProvenance.Method.choices)
    ai_tool = serializers.CharField(
        max_length=200, allow_blank=True, default="", validators=[SingleLineValidator("An AI tool's name")]
    )
    ai_use = serializers.CharField(max_length=2000, allow_blank=True, default="")
    source_url = serializers.URLField(max_length=1000, allow_blank=True, default="")


class ArticleInputSerializer(serializers.Serializer):
    """An article as JSON. ``references`` are in citation order ([1] first); the body cites them as [n]."""

    title = serializers.CharField(max_length=300)
    slug = serializers.SlugField(max_length=200, required=False, help_text="Only on create; fixed afterwards.")
    summary = serializers.CharField(max_length=2000, allow_blank=True, default="")
    body = serializers.CharField(max_length=500_000, allow_blank=True, default="")
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    topic = serializers.SlugField(max_length=140, required=False, allow_null=True, help_text="A topic's slug.")
    references = ReferenceInputSerializer(many=True, default=list)
    reason = serializers.CharField(
        max_length=500, required=False, help_text="Why (kept in the history).",
        validators=[SingleLineValidator("A reason")],
    )  # fmt: skip
    provenance = ProvenanceInputSerializer(required=False, help_text="Recorded for the revision this write makes.")
    non_material_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[SingleLineValidator("A reason")],
        help_text="Only on update: why this correction does not change the medicine (a typo). The domain decides: "
        "accepted, an approved article keeps its approval; refused, the edit is an ordinary one (see non_material).",
    )  # fmt: skip

    def validate_topic(self, value):
        if value is None:
            return None
        topic = Topic.objects.filter(slug=value).first()
        if topic is None:
            raise serializers.ValidationError(f"No topic has the slug “{value}”.")
        return topic


def _raw(ref: dict) -> str:
    return ". ".join(str(ref[name]) for name in ("authors", "title", "source", "year") if ref.get(name))


def article_input_from_json(data) -> dict:
    """Validated fields of a JSON article: content, slug, metadata, reason. Raises ValidationError (400)."""
    serializer = ArticleInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    values = serializer.validated_data
    references = [{**ref, "number": n, "raw": _raw(ref)} for n, ref in enumerate(values["references"], start=1)]
    content = Content(title=values["title"], summary=values["summary"], body=values["body"], references=references)
    metadata = {name: values[name] for name in ("audience", "topic") if name in values}
    return {
        "content": content, "slug": values.get("slug"), "metadata": metadata, "reason": values.get("reason"),
        "non_material": values["non_material_reason"], "provenance": values.get("provenance"),
    }  # fmt: skip


class EditOptionsSerializer(serializers.Serializer):
    """What an update sent as a file (multipart) may say beside it."""

    non_material_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", validators=[SingleLineValidator("A reason")]
    )


def article_input_from_text(text: str) -> dict:
    """Fields of an article file (Markdown with front matter, or the plain-text page format).

    Raises ValidationError (400) naming the file line at fault, an unknown audience or topic.
    """
    try:
        parsed = parse_article_text(text)
    except ArticleFileError as error:
        raise serializers.ValidationError({"file": [f"line {error.line}: {error.message}"]}) from None
    if parsed.audience and parsed.audience not in Audience.values:
        raise serializers.ValidationError({"audience": [f"Unknown audience “{parsed.audience}”."]})
    metadata = {"audience": parsed.audience} if parsed.audience else {}
    if parsed.topic:
        topic = (
            Topic.objects.filter(name__iexact=parsed.topic.strip()).first()
            or Topic.objects.filter(slug=slugify(parsed.topic)).first()
        )
        if topic is None:
            raise serializers.ValidationError({"topic": [f"No topic is called “{parsed.topic}”."]})
        metadata["topic"] = topic
    # The importer's reading of the file (reviews.jobs.importing.content_from), kept below the jobs layer.
    references = [parse_reference(entry.text, number=entry.number).as_dict() for entry in parsed.references]
    content = Content(title=parsed.title, summary=parsed.summary or "", body=parsed.body, references=references)
    return {
        "content": content, "slug": parsed.slug, "metadata": metadata, "reason": None, "non_material": "",
        "provenance": None,
    }  # fmt: skip


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", validators=[SingleLineValidator("A reason")]
    )


class PublishSerializer(ReasonSerializer):
    provisional = serializers.BooleanField(default=False)
    change_kind = serializers.ChoiceField(
        choices=PublicationChange.Kind.choices, required=False, allow_blank=True, default="",
        help_text="The public log line's kind; with change_reason, required when the body or references changed.",
    )  # fmt: skip
    change_reason = serializers.RegexField(
        r"^[^\r\n]*$", max_length=200, required=False, allow_blank=True, default="",
        error_messages={"invalid": "Write the public reason as one line."},
        help_text="One line readers see in the corrections and updates log.",
    )  # fmt: skip


class ScheduleSerializer(PublishSerializer):
    publish_at = serializers.DateTimeField(help_text="ISO 8601 with an offset, in the future.")


class AssignSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), min_length=1, max_length=20,
        help_text="Reviewer profile ids.",
    )  # fmt: skip
    due_at = serializers.DateTimeField()
    override_reason = serializers.CharField(
        max_length=2000, allow_blank=True, default="", validators=[SingleLineValidator("A reason")]
    )


class NonMaterialOutSerializer(serializers.Serializer):
    accepted = serializers.BooleanField(help_text="True: the article keeps its approval and live state.")
    refusal = serializers.CharField(help_text="Why it was refused (empty when accepted).")


class DeskArticleSerializer(serializers.Serializer):
    """The article as its editors and author see it (the current revision, not necessarily live)."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    body = serializers.CharField()
    audience = serializers.ChoiceField(choices=Audience.choices)
    topic = serializers.SlugField(source="topic.slug", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Article.Status.choices)
    revision = serializers.IntegerField(help_text="The current revision (the ETag carries it and the version).")
    live_revision = serializers.IntegerField(source="live_publication.revision.number", allow_null=True, default=None)
    available_transitions = serializers.ListField(child=serializers.CharField())
    non_material = NonMaterialOutSerializer(
        required=False, help_text="After an update that claimed to be non-material: the domain's answer."
    )


class FindingSerializer(serializers.Serializer):
    key = serializers.CharField()
    rule = serializers.CharField()
    severity = serializers.CharField()
    reference = serializers.IntegerField(allow_null=True, required=False)
    line = serializers.IntegerField(allow_null=True, required=False)
    message = serializers.CharField()


class ReportSerializer(serializers.Serializer):
    revision = serializers.IntegerField(source="revision.number")
    created_at = serializers.DateTimeField()
    errors = serializers.IntegerField()
    warnings = serializers.IntegerField()
    infos = serializers.IntegerField()
    findings = FindingSerializer(many=True)


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reviewer = serializers.IntegerField(source="reviewer_id")
    revision = serializers.IntegerField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()


class PublicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField(source="revision.number")
    provisional = serializers.BooleanField()
    published_at = serializers.DateTimeField()


class ScheduleOutSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    revision = serializers.IntegerField(source="revision.number")
    publish_at = serializers.DateTimeField()
    status = serializers.CharField()
