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


def credit_consent_set(*, profile: ReviewerProfile, actor, consents: bool) -> ReviewerProfile:
    """Record whether the reviewer consents to being named in the public "reviewed by" credit.

    The reviewer themself or an editor (PermissionDenied for anyone else). Each change is a history
    row with who and why; publications already made keep the credit they were made with.
    """
    if not perms.can_set_credit_consent(actor, profile):
        raise PermissionDenied("Only the reviewer or an editor may change the reviewer's consent to public credit.")
    with transaction.atomic():
        profile = ReviewerProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.consents_to_public_credit == consents:
            return profile
        profile.consents_to_public_credit = consents
        reason = "consents to public credit" if consents else "declines public credit (not to be named)"
        history_note(profile, actor=actor, reason=reason)
        profile.save(update_fields=["consents_to_public_credit"])
    return profile
