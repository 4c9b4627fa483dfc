"""The advisory board's credentials: who verified a reviewer, and when."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.history import history_note
from reviews import permissions as perms
from reviews.exceptions import WorkflowError
from reviews.models import ReviewerProfile


class CredentialsRefused(WorkflowError):
    """The credentials cannot be recorded as verified; the message says what is missing."""


def reviewer_credentials_verify(*, profile: ReviewerProfile, actor) -> ReviewerProfile:
    """An editor records that they checked this reviewer's degree, certification and licence today.

    Refused (CredentialsRefused) when the licence number, jurisdiction or a current expiry date is
    missing; PermissionDenied for anyone but an editor. The verifier is always the acting editor.
    """
    if not perms.is_editor(actor):
        raise PermissionDenied("Only an editor may verify a reviewer's credentials.")
    with transaction.atomic():
        profile = ReviewerProfile.objects.select_for_update().get(pk=profile.pk)
        missing = [label for label, value in (("licence number", profile.licence_number),
                   ("licence jurisdiction", profile.licence_jurisdiction)) if not value]  # fmt: skip
        if missing:
            raise CredentialsRefused(f"Cannot verify {profile.display_name}: no {' or '.join(missing)} on record.")
        if profile.licence_expires is None or profile.licence_expires < timezone.localdate():
            raise CredentialsRefused(f"Cannot verify {profile.display_name}: the licence has no current expiry date.")
        profile.credentials_verified_at, profile.credentials_verified_by = timezone.now(), actor
        history_note(profile, actor=actor, reason="credentials verified")
        profile.save(update_fields=["credentials_verified_at", "credentials_verified_by"])
    return profile
