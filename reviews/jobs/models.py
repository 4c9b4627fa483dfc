"""The record the evidence watch leaves of each run, for the editors' desk."""

from django.db import models


class EvidenceWatchRun(models.Model):
    """One run of the evidence watch: when, how many live articles it checked, what it found."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    checked = models.PositiveIntegerField(help_text="Live articles whose references were checked.")
    unanswered = models.PositiveIntegerField(default=0, help_text="Articles no registry answered for (outage).")
    rereviews_started = models.PositiveIntegerField(default=0)
    found = models.JSONField(
        default=list, blank=True, help_text="Per article: the references with a notice finding, rule and severity."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["-started_at", "-id"], name="evidence_run_latest")]  # the desk's last run

    def __str__(self) -> str:
        return f"Evidence watch {self.started_at:%Y-%m-%d %H:%M}: {self.checked} checked"
