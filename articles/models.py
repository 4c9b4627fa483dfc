"""Articles, their references and their immutable versions.

Models hold data and invariants only. Content changes go through ``articles.revisions``;
status changes go through ``reviews.workflow``: nothing else assigns ``Article.status``.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.urls import reverse
from simple_history.models import HistoricalRecords

from articles.validators import SingleLineValidator


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Audience(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    PATIENT = "patient", "Patient"


class Anonymity(models.TextChoices):
    """Who sees whom while an article is in review (editors always see everyone)."""

    OPEN = "open", "Open: authors and reviewers see each other"
    SINGLE = "single", "Single-anonymous: authors do not see the reviewers"
    DOUBLE = "double", "Double-anonymous: authors and reviewers do not see each other"


class Topic(models.Model):
    name = models.CharField(max_length=120, unique=True, validators=[SingleLineValidator("A topic name")])
    slug = models.SlugField(max_length=140, unique=True)
    description = models.TextField(blank=True)
    rereview_interval_days = models.PositiveIntegerField(
        default=365, help_text="How long an approval stays current before a re-review is due."
    )
    required_approvals = models.PositiveSmallIntegerField(
        default=1, help_text="Eligible approvals on the current revision needed to approve."
    )
    required_specialties = models.JSONField(
        default=list,
        blank=True,
        help_text='Specialties of which at least one approval is needed, e.g. ["Cardiology"].',
    )
    claims_need_support = models.BooleanField(
        default=False,
        help_text='Before sign-off, every cited claim stating a dose or a number needs a "supports" mark '
        "from at least one approving reviewer.",
    )
    anonymity = models.CharField(
        max_length=16, choices=Anonymity, default=Anonymity.OPEN,
        help_text="Who sees whom during review, for this topic's articles (an article may override it).",
    )  # fmt: skip
    requires_credited_signoff = models.BooleanField(
        default=False,
        help_text="Count toward sign-off only approvals from reviewers who consent to public credit.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(name="topic_quorum_positive", condition=Q(required_approvals__gte=1))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:topic", kwargs={"slug": self.slug})


# Approved articles whose approved revision is not the one readers see (none live, or another revision):
# the filter of the editors' desk's "approved, not yet live" and the condition of its index.
READY_TO_PUBLISH = Q(status="approved") & (Q(live_revision__isnull=True) | ~Q(live_revision=F("revision")))


class LiveState(models.TextChoices):
    """What readers see of an article, kept on its row beside ``live_publication`` (Article.live_state)."""

    NEVER = "", "Never published"
    PUBLISHED = "published", "Published"
    PROVISIONAL = "provisional", "Published provisionally"
    WITHDRAWN = "withdrawn", "Withdrawn (unpublished)"


# The change list's publication filter (``ArticleQuerySet.in_publication_state``); "unpublished": nothing live.
PUBLICATION_STATES = ("published", "provisional", "unpublished", "withdrawn")


class ArticleQuerySet(models.QuerySet):
    def ready_to_publish(self) -> "ArticleQuerySet":
        """Approved articles whose approved revision is not live (``READY_TO_PUBLISH``)."""
        return self.filter(READY_TO_PUBLISH)

    def rereview_due(self, now: date) -> "ArticleQuerySet":
        """Approved articles whose re-review date has come: due on or before ``now`` (a date)."""
        return self.filter(status=Article.Status.APPROVED, next_review_due__lte=now)

    def in_publication_state(self, state: str) -> "ArticleQuerySet":
        """Articles by what readers see (one of PUBLICATION_STATES): ``published`` (live, approved),
        ``provisional`` (live before the board's approval), ``unpublished`` (nothing live) or ``withdrawn``
        (nothing live, taken down and not put live since). Read from the article row's ``live_state``, so
        the few provisional and withdrawn articles are the first rows of their partial indexes in the change
        list's order, never found by joining every live publication (README "Lists at 100,000 articles")."""
        if state == "unpublished":
            return self.filter(live_publication__isnull=True)
        if state in PUBLICATION_STATES:
            return self.filter(live_state=state)
        raise ValueError(f"unknown publication state {state!r}; one of {', '.join(PUBLICATION_STATES)}")


class Article(TimeStamped):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(max_length=300, validators=[SingleLineValidator("A title")])
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Markdown with citation markers such as [1] or [2-4].")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="articles", null=True, blank=True)
    audience = models.CharField(max_length=16, choices=Audience, default=Audience.CLINICIAN)
    variant_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="variants",
        help_text="The article this one rewrites for another audience.",
    )
    anonymity = models.CharField(
        max_length=16, choices=Anonymity, blank=True, default="",
        help_text="Who sees whom during review; empty: the topic's setting.",
    )  # fmt: skip
    status = models.CharField(max_length=32, choices=Status, default=Status.DRAFT, editable=False)
    revision = models.PositiveIntegerField(default=1, editable=False)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Counts every write of this row; a save from an older version is refused."
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_articles")
    last_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_due = models.DateField(null=True, blank=True)
    live_publication = models.ForeignKey(
        "articles.Publication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The live publication's revision number and title, copied when the article is put live or taken
    # down (reviews/publishing/records.py, the only two paths that move ``live_publication``; a
    # publication never changes): the desk's "approved, not yet live" and the topic pages read them
    # from this row through the indexes below instead of joining every live publication.
    live_revision = models.PositiveIntegerField(null=True, blank=True, editable=False)
    live_title = models.CharField(max_length=300, blank=True, default="", editable=False)
    # Moves with them: published or provisional while ``live_publication`` is set, withdrawn once taken
    # down (until put live again), empty if never published; the change list's publication filter.
    live_state = models.CharField(max_length=16, choices=LiveState, blank=True, default="", editable=False)
    # The editors' desk's "needs a reviewer": submitted or under review with fewer reviewers on the
    # current revision's round than the topic's quorum, or no active one. Written only by
    # ``reviews.workflow.rounds.desk_flags_refresh`` (with an UPDATE, never by ``save``), in the same
    # transaction as every step that moves an assignment, the article's status, revision or topic, or
    # a topic's quorum; the desk reads its first rows through the index ``article_needs_reviewer``.
    needs_reviewer = models.BooleanField(default=False, editable=False)
    history = HistoricalRecords(
        excluded_fields=["updated_at", "live_revision", "live_title", "live_state", "needs_reviewer"]
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="article_status_updated"),
            # The admin change list's default order (newest change first) without a filter: an index
            # scan of its first page instead of sorting every article.
            models.Index(fields=["-updated_at", "-id"], name="article_updated"),
            models.Index(fields=["topic", "status"], name="article_topic_status"),
            models.Index(fields=["next_review_due"], name="article_next_review"),
            # The editors' desk's "past their re-review date" and the change list's "re-review" filters: the first
            # approved articles by due date, then id (the filters count from this index only),
            # never every approved article due on the first day.
            models.Index(fields=["next_review_due", "id"], name="article_rereview_due", condition=Q(status="approved")),
            models.Index(fields=["-last_reviewed_at"], name="article_last_reviewed"),
            # README "Lists at 100,000 articles": live articles by topic (the topics' counts on
            # home, the topic index and the sitemap read this index only) ...
            models.Index(fields=["topic"], name="article_live_topic", condition=Q(live_publication__isnull=False)),
            # ... and the publishing desk's "re-review running" (live, not approved): its first 50 by due date.
            models.Index(
                fields=["next_review_due", "id"],
                name="article_rereview_running",
                condition=Q(live_publication__isnull=False) & ~Q(status__in=["approved", "archived"]),
            ),
            # The editors' desk's "approved, not yet live": its first rows by last change, from the few
            # approved articles whose approved revision is not the live one, never every approved article.
            models.Index(fields=["updated_at", "id"], name="article_ready", condition=READY_TO_PUBLISH),
            # The change list's "published provisionally" and "withdrawn" filters: their first page in the
            # change list's order (newest change first), from the few such rows, whatever the site's size.
            models.Index(
                fields=["-updated_at", "-id"], name="article_provisional", condition=Q(live_state="provisional")
            ),
            models.Index(fields=["-updated_at", "-id"], name="article_withdrawn", condition=Q(live_state="withdrawn")),
            # Home's "recently reviewed": the latest re-reviews of live articles, walked in the order ranked
            # (the id breaks ties of one review date, which article_last_reviewed would sort among themselves).
            models.Index(
                fields=["-last_reviewed_at", "-id"],
                name="article_live_reviewed",
                condition=Q(live_publication__isnull=False),
            ),
            # The editors' desk's "needs a reviewer": its first rows by last change, from the flagged rows only.
            models.Index(fields=["updated_at", "id"], name="article_needs_reviewer", condition=Q(needs_reviewer=True)),
            # Topic pages: one topic's live articles in the order of their live titles (keyset pagination).
            models.Index(
                fields=["topic", "live_title", "id"],
                name="article_live_title",
                condition=Q(live_publication__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="approved_has_review_date",
                condition=~Q(status="approved") | Q(last_reviewed_at__isnull=False),
            ),
            models.CheckConstraint(name="article_revision_positive", condition=Q(revision__gte=1)),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        """Every write of the row bumps ``version`` (the invariant the desk's stale-save check reads).

        Writers hold the row lock (``reviews.locking``), so the in-memory count is the stored one.
        A save of an existing row never writes ``needs_reviewer``: the desk's refresh alone does, so a
        copy read before an assignment moved cannot put the old flag back.
        """
        if self.pk is not None:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            elif not self._state.adding and not kwargs.get("force_insert"):
                deferred = self.get_deferred_fields()  # as Django's own save: the loaded fields only
                kwargs["update_fields"] = [f.name for f in SAVED_BY_SAVE if f.attname not in deferred]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})


# The columns a plain ``Article.save`` of an existing row writes: all but the desk's stored flag.
SAVED_BY_SAVE = tuple(f for f in Article._meta.concrete_fields if not f.primary_key and f.name != "needs_reviewer")


class Reference(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "guideline", "Guideline"
        SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
        RCT = "rct", "Randomised controlled trial"
        COHORT = "cohort", "Cohort study"
        CASE_REPORT = "case_report", "Case report"
        ANIMAL_STUDY = "animal_study", "Animal study"
        EXPERT_OPINION = "expert_opinion", "Expert opinion"
        RESEARCH = "research", "Research"
        OTHER = "other", "Other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=32, choices=Kind, default=Kind.OTHER)
    authors = models.TextField(blank=True)
    title = models.TextField(blank=True)
    source = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    details = models.CharField(max_length=200, blank=True, help_text="Volume, issue and pages.")
    doi = models.CharField(max_length=255, blank=True)
    pmid = models.CharField(max_length=20, blank=True)
    pmcid = models.CharField(max_length=20, blank=True)
    isbn = models.CharField(max_length=20, blank=True)
    issn = models.CharField(max_length=20, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    raw = models.TextField(blank=True, help_text="The reference as entered.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="reference_number_unique"),
            models.CheckConstraint(name="reference_number_positive", condition=Q(number__gte=1)),
        ]
        indexes = [
            models.Index(fields=["doi"], name="reference_doi"),
            models.Index(fields=["pmid"], name="reference_pmid"),
            # The desk's search finds a whole identifier whatever its case (DOIs are case-insensitive).
            models.Index(Upper("doi"), name="reference_doi_upper"),
            models.Index(Upper("pmcid"), name="reference_pmcid_upper"),
            models.Index(Upper("isbn"), name="reference_isbn_upper"),
        ]

    def __str__(self) -> str:
        return f"[{self.number}] {self.title or self.raw[:60]}"


class ArticleRevision(models.Model):
    """One immutable version of an article's content: what reviewers approve and publications pin."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300, validators=[SingleLineValidator("A title")])
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    references = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ValidationReport(models.Model):
    """The findings of the validation engine for one revision; the approval gate reads the latest."""

    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="reports")
    findings = models.JSONField(default=list)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    resolvers_used = models.BooleanField(default=False)
    # The online check: per registry asked, when it answered and its failure ("" when none).
    registries = models.JSONField(default=list, blank=True)
    # When every registry asked answered; empty for an offline report or while one is failing.
    consulted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["revision", "-created_at"], name="report_revision_latest")]

    def __str__(self) -> str:
        return f"Report on {self.revision}: {self.errors} errors, {self.warnings} warnings"


class ResolverLookup(models.Model):
    """A cached answer from Crossref or NCBI, so each identifier is looked up once."""

    source = models.CharField(max_length=32)
    identifier = models.CharField(max_length=255)
    ok = models.BooleanField(default=True)
    payload = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "identifier"], name="resolver_lookup_unique")]

    def __str__(self) -> str:
        return f"{self.source}:{self.identifier}"


class Publication(models.Model):
    """What readers see: an immutable snapshot of one revision. A new one supersedes the old."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="publications")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="publications")
    title = models.CharField(max_length=300, validators=[SingleLineValidator("A title")])
    summary = models.TextField(blank=True)
    rendered_html = models.TextField()
    references = models.JSONField(default=list)
    reviewer_credits = models.JSONField(default=list)
    provisional = models.BooleanField(default=False)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    reason = models.TextField(blank=True)
    search_text = models.TextField(blank=True, help_text="Plain text of title, summary and body, for search.")
    reader_parts = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="Parts of the article page rendered once, when the publication was made: "
        '{"version": n, "references_html": ...}; empty for older publications (rendered per page then).',
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        indexes = [
            models.Index(fields=["article", "-published_at"], name="publication_latest"),
            # Home's "recently published" walks this index to its first rows; the topic pages walk the titles.
            models.Index(fields=["-published_at", "-id"], name="publication_recent"),
            models.Index(fields=["title"], name="publication_title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (r{self.revision.number if self.revision_id else '?'})"


class PublicationWithdrawal(models.Model):
    """An editor took an article off the public site (readers get 410). Append-only."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="withdrawals")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="withdrawals")
    reason = models.TextField()
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-withdrawn_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.article} withdrawn {self.withdrawn_at:%Y-%m-%d}"


class StoredPage(models.Model):
    """An article's reader page as it was rendered after its last change (``articles.pages``): the bytes a
    reader gets, kept in the database so the first request after a publish is served without a render.

    Served only while ``identity`` is the page's current cache key (``reader.page_identity``), so a stale
    row is never shown: it is rendered again instead. Not a record: a page can be rendered again at any
    time, so rows are replaced and deleted freely (the publications are the record)."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="+")
    identity = models.CharField(max_length=64, help_text="The page's cache key when it was rendered.")
    html = models.BinaryField(help_text="The page as sent, before its response's CSP nonce.")
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"page of article {self.article_id} ({self.rendered_at:%Y-%m-%d %H:%M})"


class ScheduledPublication(models.Model):
    """A publication an editor asked for at a future time; the task worker carries it out."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Published"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="schedules")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.PROTECT, related_name="+")
    publish_at = models.DateTimeField()
    provisional = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True, help_text="Why it was cancelled, or why it failed.")
    # The line for the public corrections and updates log, given when it was scheduled.
    change_kind = models.CharField(
        max_length=16, blank=True, choices=[("correction", "Correction"), ("update", "Update")]
    )
    change_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["publish_at", "pk"]
        indexes = [models.Index(fields=["status", "publish_at"], name="schedule_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["article"], condition=Q(status="pending"), name="one_pending_schedule_per_article"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article} at {self.publish_at:%Y-%m-%d %H:%M} ({self.status})"


class SiteSettings(models.Model):
    """Editor-managed site-wide settings: one row (pk=1)."""

    allow_provisional_publishing = models.BooleanField(
        default=False, help_text="Allow publishing an unapproved revision with a “pending review” banner."
    )
    promote_on_approval = models.BooleanField(
        default=False,
        help_text=(
            "When the board approves the revision that is provisionally live, publish it as approved "
            "(credits, no banner) in the same step."
        ),
    )
    disclaimer = models.TextField(
        blank=True,
        default=(
            "This article is for information and does not replace advice from a qualified health "
            "professional who knows your situation."
        ),
    )
    editorial_policy = models.TextField(blank=True, help_text="Markdown: how review works on this site.")
    advertising_policy = models.TextField(
        blank=True, help_text="Markdown: whether and how the site carries advertising and sponsorship."
    )
    require_provenance_before_submission = models.BooleanField(
        default=False, help_text="Refuse to submit a revision for review until its provenance is recorded."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"
        constraints = [models.CheckConstraint(name="site_settings_singleton", condition=Q(pk=1))]

    def __str__(self) -> str:
        return "Site settings"

    @classmethod
    def load(cls) -> "SiteSettings":
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


# Bylines, provenance, disclosures, the corrections log and readers' error reports.
from articles.trust_models import (  # noqa: E402
    ArticleDisclosure,
    AuthorProfile,
    ErrorReport,
    PublicationChange,
    RevisionProvenance,
)

__all__ = [
    "Anonymity", "Article", "ArticleDisclosure", "ArticleRevision", "Audience", "AuthorProfile", "ErrorReport",
    "Publication",
    "PublicationChange", "PublicationWithdrawal", "Reference", "ResolverLookup", "RevisionProvenance",
    "ScheduledPublication", "SiteSettings", "TimeStamped", "Topic", "ValidationReport",
]  # fmt: skip
