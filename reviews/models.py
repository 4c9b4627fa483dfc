"""The advisory board, its assignments and decisions, and the append-only workflow log."""

from datetime import datetime

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from articles.models import Article, Topic

# The statuses of an open assignment (the reviewer still owes an answer or a decision): defined here only.
OPEN_STATUSES = ("invited", "accepted")
# On the round: open, or decided (what an article's reviewers list shows, and what an edit makes stale).
ON_ROUND_STATUSES = (*OPEN_STATUSES, "submitted")
# How the evidence watch's re-review reason begins: the round label "re-review (evidence)" reads it.
REREVIEW_EVIDENCE_REASON = "cited work "


class ReviewAssignmentQuerySet(models.QuerySet):
    def open(self) -> "ReviewAssignmentQuerySet":
        """Invited or accepted: the reviewer still owes an answer or a decision."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now: datetime) -> "ReviewAssignmentQuerySet":
        """Open assignments whose due time has passed (strictly before ``now``)."""
        return self.open().filter(due_at__lt=now)


class ReviewerProfile(models.Model):
    class Degree(models.TextChoices):
        MD = "MD", "MD"
        DO = "DO", "DO"
        MBBS = "MBBS", "MBBS"
        PHARMD = "PharmD", "PharmD"
        PHD = "PhD", "PhD"
        RN = "RN", "RN"
        NP = "NP", "NP"
        PA = "PA", "PA"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviewer_profile")
    display_name = models.CharField(max_length=200)
    degree = models.CharField(max_length=16, choices=Degree)
    specialty = models.CharField(max_length=120)
    affiliation = models.CharField(max_length=300, blank=True, help_text="Shown on the reviewer's public page.")
    photo_url = models.URLField(
        max_length=500, blank=True, validators=[URLValidator(schemes=["https"])],
        help_text="An https address of a portrait (optional).",
    )  # fmt: skip
    board_certification = models.CharField(max_length=200, blank=True)
    licence_number = models.CharField(max_length=64, blank=True)
    licence_jurisdiction = models.CharField(max_length=120, blank=True)
    licence_expires = models.DateField(null=True, blank=True)
    credentials_verified_at = models.DateTimeField(null=True, blank=True)
    credentials_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the verifying editor checked, against which public register, and when it must be checked again
    # (set only by ``reviews.board.services.reviewer_credentials_verify``).
    credentials_checked = models.TextField(blank=True, help_text="What was checked: degree, certification, licence.")
    credentials_register = models.CharField(max_length=300, blank=True, help_text="The public register consulted.")
    credentials_recheck_due = models.DateField(null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="reviewers")
    active = models.BooleanField(default=True)
    max_open_assignments = models.PositiveSmallIntegerField(default=5)
    consents_to_public_credit = models.BooleanField(
        default=True,
        help_text="Named in the public “reviewed by” credit. Without consent the credit says a board reviewer "
        "asked not to be named, and the approval does not count where a topic requires credited sign-off.",
    )
    history = HistoricalRecords(excluded_fields=[])

    class Meta:
        ordering = ["display_name"]
        # The editors' desk's "credentials expiring" reads ``reviewer_expiring`` (PostgreSQL only, made by
        # reviews/migrations/0016_desk_lists.py: SQLite cannot index NULLS FIRST).
        indexes = [models.Index(fields=["active", "specialty"], name="reviewer_active_specialty")]

    def __str__(self) -> str:
        return self.display_line

    @property
    def display_line(self) -> str:
        """The public credit line, e.g. "Jane Doe, MD, Neuroradiology"."""
        return ", ".join(part for part in (self.display_name, self.degree, self.specialty) if part)


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SUBMITTED = "submitted", "Decision submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        STALE = "stale", "Stale (article changed)"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        REQUEST_CHANGES = "request_changes", "Request changes"

    class Conflict(models.TextChoices):
        UNDECLARED = "", "Not declared"
        NONE = "none", "No conflict of interest"
        INTEREST = "interest", "Declared interest"

    ACTIVE = OPEN_STATUSES

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="assignments")
    revision = models.PositiveIntegerField(help_text="The article revision this assignment was made for.")
    status = models.CharField(max_length=16, choices=Status, default=Status.INVITED, editable=False)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    cap_override_reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    conflict = models.CharField(max_length=16, choices=Conflict, default=Conflict.UNDECLARED, blank=True)
    conflict_statement = models.TextField(blank=True)
    conflict_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conflict_cleared_reason = models.TextField(blank=True)
    decision = models.CharField(max_length=16, choices=Decision, blank=True)
    decision_revision = models.PositiveIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    comments = models.TextField(blank=True)
    checklist = models.JSONField(default=dict, blank=True)
    last_reviewed_revision = models.PositiveIntegerField(
        null=True, blank=True, help_text="The revision this reviewer last decided on, for re-review diffs."
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "reviewer"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_active_assignment_per_reviewer",
            ),
            models.CheckConstraint(
                name="decision_has_revision",
                condition=Q(decision="") | Q(decision_revision__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status", "due_at"], name="assignment_reviewer_open"),
            models.Index(fields=["article", "status"], name="assignment_article_status"),
            models.Index(fields=["status", "due_at"], name="assignment_status_due"),
            # The editors' desk lists the first open assignments by due date: a walk of this index, at any size.
            models.Index(fields=["due_at", "id"], name="assignment_open_due", condition=Q(status__in=OPEN_STATUSES)),
            # The change list's "review overdue" filter and its count: the open assignments past due, read from
            # this index only (article ids), never from the assignment rows.
            models.Index(
                fields=["due_at", "article"], name="assignment_open_due_article", condition=Q(status__in=OPEN_STATUSES)
            ),
            # ... and the declared interests an editor-in-chief has not cleared: the few such rows, not every open one.
            models.Index(
                fields=["id"],
                name="assignment_interest_open",
                condition=Q(conflict="interest", conflict_cleared_by__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.article} (r{self.revision})"

    @property
    def status_label(self) -> str:
        """The status as people read it. A stale assignment on the article's current revision was ended by a
        re-review of that same text (``rounds.round_restart``), not by an edit: "Superseded by re-review"."""
        if self.status == self.Status.STALE and self.revision == self.article.revision:
            return "Superseded by re-review"
        return self.get_status_display()


# What an approving reviewer confirms, item by item (kept with each Review).
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("medical_accuracy", "The medical content is accurate"),
    ("dosing_checked", "Dosing and numbers are checked"),
    ("references_support", "The references support the claims"),
    ("audience_suitable", "It is suitable for its audience"),
    ("no_promotion", "It has no promotional content"),
)


class Review(models.Model):
    """A reviewer's signed decision on one revision. Immutable: a new round makes a new record."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="reviews")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(ReviewerProfile, on_delete=models.PROTECT, related_name="reviews")
    revision = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    decision = models.CharField(max_length=16, choices=ReviewAssignment.Decision)
    credentials = models.JSONField(help_text="The reviewer's credentials as they stood at the decision.")
    checklist = models.JSONField(default=dict)
    comments = models.TextField(blank=True)
    acknowledged_warnings = models.JSONField(default=list, blank=True)
    ledger = models.JSONField(
        default=list, blank=True, help_text="The reviewer's claim-source marks on this revision, as signed."
    )
    eligible = models.BooleanField(default=True, help_text="Counts toward the sign-off rule (no uncleared conflict).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "revision", "decision"], name="review_article_revision")]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.reviewer} on r{self.revision}"


class TransitionLog(models.Model):
    """Append-only record of every workflow step; nothing in the product edits or deletes it."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="transitions")
    revision = models.PositiveIntegerField()
    transition = models.CharField(max_length=32)
    from_status = models.CharField(max_length=32, choices=Article.Status)
    to_status = models.CharField(max_length=32, choices=Article.Status)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["article", "-at"], name="transition_article_at"),
            models.Index(fields=["-at"], name="transition_at"),
        ]

    def __str__(self) -> str:
        return f"{self.transition}: {self.from_status} → {self.to_status}"


class ValidationOverride(models.Model):
    """An editor-in-chief's recorded decision to let named validation errors pass for one revision."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="validation_overrides")
    revision = models.PositiveIntegerField()
    rules = models.JSONField(help_text="The finding keys (rule and location) overridden.")
    reason = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Override on r{self.revision} by {self.actor}"


class Notification(models.Model):
    """A sent email, recorded so a reminder or invitation is never sent twice."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.EmailField()
    subject = models.CharField(max_length=300)
    template = models.CharField(max_length=100, blank=True, help_text="The notification template sent.")
    template_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The edited template's version (history id); empty: the file default."
    )
    body = models.TextField(blank=True, help_text="The text sent.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"


class NonMaterialClaim(models.Model):
    """An editor's claim that an edit does not change the medicine, and the domain's answer.

    Accepted: the approval of ``from_revision`` is carried to ``to_revision`` (the article stays
    approved and live). Refused: ``refusal`` says why, and the edit took the normal path.
    """

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="non_material_claims")
    from_revision = models.PositiveIntegerField()
    to_revision = models.PositiveIntegerField()
    reason = models.TextField(help_text="The editor's reason for calling the edit non-material.")
    accepted = models.BooleanField()
    refusal = models.TextField(blank=True, help_text="Why the domain refused the claim (empty when accepted).")
    changed_words = models.PositiveIntegerField()
    total_words = models.PositiveIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "to_revision"], name="one_claim_per_revision"),
            models.CheckConstraint(name="refused_claim_says_why", condition=Q(accepted=True) | ~Q(refusal="")),
        ]

    def __str__(self) -> str:
        verdict = "non-material" if self.accepted else "refused as non-material"
        return f"r{self.from_revision} → r{self.to_revision} {verdict}"


class DecisionSignature(models.Model):
    """The manifestation of a reviewer's electronic signature on one decision: who, as what, when, meaning what."""

    review = models.OneToOneField(Review, on_delete=models.PROTECT, related_name="signature")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    printed_name = models.CharField(max_length=200)
    credentials = models.CharField(
        max_length=400, help_text="The credit line at signing, e.g. name, degree, specialty."
    )
    signed_at = models.DateTimeField()
    meaning = models.CharField(max_length=300, help_text='E.g. "approved revision 3 as medically accurate".')
    method = models.CharField(max_length=32, default="password")

    def __str__(self) -> str:
        return f"{self.printed_name}, {self.signed_at:%Y-%m-%d %H:%M}: {self.meaning}"


class SignatureFailure(models.Model):
    """A refused signature attempt (wrong password), kept for the record and to lock out guessing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="signature_failures")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["assignment", "user", "-at"], name="signature_failure_recent")]

    def __str__(self) -> str:
        return f"Refused signature by {self.user} on assignment {self.assignment_id}"


class InvitationLink(models.Model):
    """A sign-in link in an invitation email, scoped to one assignment. Only the token's sha256 is kept."""

    assignment = models.ForeignKey(ReviewAssignment, on_delete=models.PROTECT, related_name="invitation_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation link for assignment {self.assignment_id}"


class ImportUpload(models.Model):
    """A file an editor uploaded to preview before importing: its bytes are kept here, under a random
    batch token bound to the uploader, so the confirmation imports exactly what was previewed (never
    what a browser sends back). Deleted once imported; an abandoned batch expires."""

    batch = models.CharField(max_length=64, db_index=True)
    position = models.PositiveSmallIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["batch", "position"]
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="import_upload_position_unique")]

    def __str__(self) -> str:
        return f"{self.name} (batch {self.batch[:8]})"


# Integration records live beside their services; imported here so the app registers them.
from reviews.api.models import ApiToken, WebhookDelivery, WebhookEndpoint  # noqa: E402, F401
from reviews.comments.models import Comment, CommentThread  # noqa: E402, F401
from reviews.jobs.models import EvidenceWatchRun  # noqa: E402, F401
from reviews.ledger.models import ClaimCheck  # noqa: E402, F401
from reviews.mail.models import EmailTemplate  # noqa: E402, F401
