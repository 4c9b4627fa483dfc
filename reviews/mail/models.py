"""An editable notification email (data only). Imported by ``reviews.models`` to register it."""

from django.db import models
from simple_history.models import HistoricalRecords

# Each notification's file template and the variables it is rendered with (what an edited version may use).
TEMPLATE_VARIABLES: dict[str, tuple[str, ...]] = {
    "reviews/email/transition.txt": ("article", "log", "acted_by", "site_url"),
    "reviews/email/changes_requested.txt": ("article", "log", "reviews", "site_url"),
    "reviews/email/invitation.txt": ("article", "assignment", "invited_by", "author_name", "link_token", "link_days",
                                     "round_label", "site_url"),
    "reviews/email/reminder.txt": ("article", "assignment", "author_name", "site_url"),
    "reviews/email/overdue_reviewer.txt": ("article", "assignment", "site_url"),
    "reviews/email/overdue_editor.txt": ("article", "assignment", "site_url"),
    "reviews/email/retraction.txt": ("article", "finding", "site_url"),
}  # fmt: skip


class EmailTemplate(models.Model):
    """The subject and body that replace one file template; every saved version is kept (history)."""

    key = models.CharField(max_length=100, unique=True, choices=[(k, k.rsplit("/", 1)[-1]) for k in TEMPLATE_VARIABLES])
    subject = models.CharField(max_length=300, help_text="Django template syntax, one line.")
    body = models.TextField(help_text="Django template syntax; plain text (no HTML escaping).")
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key.rsplit("/", 1)[-1]
