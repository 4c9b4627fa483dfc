"""A reviewer's mark on one claim and one cited reference, for one revision."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from articles.models import Article


class ClaimCheck(models.Model):
    """Whether a cited reference supports a sentence, as the reviewer found it on ``revision``.

    ``claim_key`` (``articles.claim_keys``) covers the sentence's text and the reference's identity:
    an edit to either makes a new key, so a mark carries to a later revision only while both stay
    the same. One row per assignment, revision and key; the reviewer may change it until deciding.
    """

    class Mark(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        DOES_NOT_SUPPORT = "does_not_support", "Does not support"
        NOT_CHECKED = "not_checked", "Not checked"

    assignment = models.ForeignKey("reviews.ReviewAssignment", on_delete=models.PROTECT, related_name="claim_checks")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="claim_checks")
    revision = models.PositiveIntegerField()
    claim_key = models.CharField(max_length=64)
    sentence = models.TextField(help_text="The sentence as it read on the revision.")
    reference_number = models.PositiveIntegerField()
    reference_identity = models.CharField(max_length=600)
    mark = models.CharField(max_length=20, choices=Mark)
    note = models.TextField(blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["revision", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "revision", "claim_key"], name="one_mark_per_claim"),
        ]
        indexes = [models.Index(fields=["article", "claim_key"], name="claim_check_article_key")]

    def __str__(self) -> str:
        return f"{self.get_mark_display()}: reference {self.reference_number} on r{self.revision}"
