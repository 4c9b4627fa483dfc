"""Who changed a tracked row and why: the one place that hands both to django-simple-history."""

from django.db import models


def history_note(instance: models.Model, *, actor, reason: str) -> models.Model:
    """Mark ``instance`` so its next save writes a history row with this user and change reason."""
    instance._history_user = actor
    instance._change_reason = reason
    return instance
