"""What readers need to trust a page besides the board's review: who wrote it and how, who paid
for it, what changed since and why, and the errors readers report.

Imported at the end of ``articles.models`` (models hold data and invariants only); the rules are
in ``articles.trust`` (services and predicates) and ``articles.error_reports``.
"""

import contextlib
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.validation.person_identifiers import (
    PersonIdentifierError,
    normalize_npi,
    normalize_orcid,
    orcid_url,
    validate_npi,
    validate_orcid,
)


class AuthorProfile(models.Model):
    """The public profile of a user who writes articles: the byline links here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="author_profile")
    slug = models.SlugField(max_length=120, unique=True)
    display_name = models.CharField(max_length=200)
    credentials = models.CharField(max_length=100, blank=True, help_text='Degrees, e.g. "MD, MPH".')
    specialty = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    photo_url = models.URLField(max_length=500, blank=True, help_text="An https address of a portrait (optional).")
    orcid = models.CharField(
        "ORCID iD", max_length=40, blank=True, validators=[validate_orcid], help_text="NNNN-NNNN-NNNN-NNNN"
    )
    npi = models.CharField("US NPI", max_length=20, blank=True, validators=[validate_npi])
    licence_number = models.CharField(max_length=100, blank=True)
    licence_issuer = models.CharField(
        max_length=200, blank=True, help_text="The body that issued the licence, e.g. a medical council."
    )
    public = models.BooleanField(default=True, help_text="Show the profile page and link the byline to it.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.CheckConstraint(
                name="author_licence_has_issuer", condition=Q(licence_number="") | ~Q(licence_issuer="")
            )
        ]

    def __str__(self) -> str:
        return self.byline

    def get_absolute_url(self) -> str:
        return reverse("articles:author", kwargs={"slug": self.slug})

    @property
    def byline(self) -> str:
        return ", ".join(part for part in (self.display_name, self.credentials) if part)

    @property
    def orcid_url(self) -> str:
        return orcid_url(self.orcid)

    def clean(self) -> None:
        # Stored in one spelling (NNNN-NNNN-NNNN-NNNN, digits only), whatever form the editor pasted.
        for name, normalize in (("orcid", normalize_orcid), ("npi", normalize_npi)):
            with contextlib.suppress(PersonIdentifierError):  # the field's validator already reported it
                setattr(self, name, normalize(getattr(self, name)) if getattr(self, name) else "")
        if self.licence_number and not self.licence_issuer:
            raise ValidationError({"licence_issuer": "Say which body issued the licence number."})
        if self.photo_url and not self.photo_url.startswith("https://"):
            raise ValidationError({"photo_url": "The photo address must start with https://."})


SOURCE_URL_SCHEMES = ("http", "https", "ftp", "ftps", "file")


class RevisionProvenance(models.Model):
    """How one revision was made: by a person, with AI assistance, or imported from elsewhere."""

    class Method(models.TextChoices):
        WRITTEN = "written", "Written by a person"
        AI_ASSISTED = "ai_assisted", "Written with AI assistance"
        IMPORTED = "imported", "Imported from another source"

    revision = models.OneToOneField("articles.ArticleRevision", on_delete=models.PROTECT, related_name="provenance")
    method = models.CharField(max_length=16, choices=Method)
    ai_tool = models.CharField("AI tool", max_length=200, blank=True, help_text="Name and version of the tool.")
    ai_use = models.TextField("what the AI did", blank=True, help_text="e.g. drafted the first version.")
    # An address on the web, or file://localhost/… for a file given to the editors with no address.
    source_url = models.CharField(
        max_length=1000, blank=True, validators=[URLValidator(schemes=SOURCE_URL_SCHEMES)],
        help_text="Where an imported text came from.",
    )  # fmt: skip
    source_review_claim = models.CharField(
        max_length=500, blank=True, help_text='The source page\'s own "Reviewed by" line, kept as it was.'
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "revision provenance"
        constraints = [
            models.CheckConstraint(
                name="provenance_ai_names_tool",
                condition=~Q(method="ai_assisted") | (~Q(ai_tool="") & ~Q(ai_use="")),
            ),
            models.CheckConstraint(
                name="provenance_import_names_source", condition=~Q(method="imported") | ~Q(source_url="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.revision}: {self.get_method_display()}"

    @property
    def source_is_file(self) -> bool:
        """The text came as a file with no web address: show its name, never link a local path."""
        return self.source_url.startswith("file:")

    @property
    def source_file_name(self) -> str:
        return unquote(self.source_url.rsplit("/", 1)[-1]) if self.source_is_file else ""

    def clean(self) -> None:
        errors = {}
        if self.method == self.Method.AI_ASSISTED:
            if not self.ai_tool.strip():
                errors["ai_tool"] = "Name the AI tool that was used."
            if not self.ai_use.strip():
                errors["ai_use"] = "Say what the AI tool did."
        if self.method == self.Method.IMPORTED and not self.source_url:
            errors["source_url"] = "Give the address the text was imported from."
        if errors:
            raise ValidationError(errors)


class ArticleDisclosure(models.Model):
    """Who paid for an article and what its author declared."""

    article = models.OneToOneField("articles.Article", on_delete=models.PROTECT, related_name="disclosure")
    funding = models.TextField(blank=True, help_text="Who funded the writing, e.g. a grant.")
    sponsor = models.CharField(
        max_length=200, blank=True, help_text="A sponsor's name; the page then carries a visible sponsor label."
    )
    advertising = models.TextField(blank=True, help_text="Advertising shown with the article, if any.")
    author_interests = models.TextField("author's declared interests", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Disclosure of {self.article}"


class PublicationChange(models.Model):
    """One line of an article's public corrections and updates log, written at publish time."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        UPDATE = "update", "Update"

    publication = models.OneToOneField("articles.Publication", on_delete=models.PROTECT, related_name="change")
    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(max_length=16, choices=Kind)
    reason = models.CharField(max_length=200, help_text="One line for readers: what changed and why.")
    changed_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["article", "-changed_at"], name="change_article_latest")]
        constraints = [models.CheckConstraint(name="change_reason_given", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.changed_at:%Y-%m-%d}: {self.reason}"

    def clean(self) -> None:
        if "\n" in self.reason or "\r" in self.reason or not self.reason.strip():
            raise ValidationError({"reason": "Write the reason as one line."})


MESSAGE_MAX_LENGTH = 2000


class ErrorReport(models.Model):
    """A reader's report of a problem on a page, tied to the revision they saw."""

    class Category(models.TextChoices):
        FACT = "fact", "A fact or figure is wrong"
        DOSE = "dose", "A dose or treatment is wrong"
        REFERENCE = "reference", "A reference is wrong or missing"
        LINK = "link", "A link does not work"
        UNCLEAR = "unclear", "Something is hard to understand"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        FIXED = "fixed", "Fixed"
        DISMISSED = "dismissed", "Dismissed"

    article = models.ForeignKey("articles.Article", on_delete=models.PROTECT, related_name="error_reports")
    revision = models.ForeignKey("articles.ArticleRevision", on_delete=models.PROTECT, related_name="error_reports")
    category = models.CharField(max_length=16, choices=Category)
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    email = models.EmailField(blank=True, help_text="Only to tell the reader when a correction is published.")
    state = models.CharField(max_length=16, choices=State, default=State.NEW, editable=False)
    dismissed_reason = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "-created_at"], name="error_report_queue")]
        constraints = [
            models.CheckConstraint(
                name="error_report_dismissal_has_reason", condition=~Q(state="dismissed") | ~Q(dismissed_reason="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} on {self.article_id} ({self.state})"

    def clean(self) -> None:
        # TextField's max_length is only a form hint; the limit holds for every way in.
        if len(self.message) > MESSAGE_MAX_LENGTH:
            raise ValidationError({"message": f"Keep the message to {MESSAGE_MAX_LENGTH} characters."})
