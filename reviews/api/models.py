"""Integration records: API tokens, webhook endpoints and their delivery log (data only).

Imported by ``reviews.models`` so Django registers them with the ``reviews`` app.
"""

from django.conf import settings
from django.db import models

from articles.models import Article


class ApiToken(models.Model):
    """A per-user API token. Only a sha256 digest of the secret is stored; the clear token is shown once."""

    class Scope(models.TextChoices):
        READ = "read", "read"
        SUBMIT = "submit", "submit"
        REVIEW_DESK = "review-desk", "review desk"
        PUBLISH = "publish", "publish"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=120, help_text="What the token is for, e.g. “drafting tool”.")
    prefix = models.CharField(max_length=16, editable=False, help_text="The first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list, help_text="Any of read, submit, review-desk, publish.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True, editable=False
    )
    revoke_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        verbose_name_plural = "API tokens"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user}"


class WebhookEndpoint(models.Model):
    """An address that receives signed event deliveries."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted"
        REVIEW_ASSIGNED = "review_assigned"
        DECISION = "decision"
        APPROVED = "approved"
        PUBLISHED = "published"
        UNPUBLISHED = "unpublished"
        EVIDENCE_NOTICE = "evidence_notice"
        REREVIEW_DUE = "rereview_due"

    url = models.URLField(max_length=500, help_text="http(s) address; redirects are not followed.")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The events this endpoint receives.")
    secret = models.CharField(max_length=80, editable=False, help_text="Signs every delivery (HMAC-SHA256).")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one endpoint, with each attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        RETRYING = "retrying"
        FAILED = "failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    event = models.CharField(max_length=32, choices=WebhookEndpoint.Event)
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
