"""The advisory board's credentials: who verified a reviewer, what against which register, and when again."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.history import history_note
from reviews import permissions as perms
from reviews.exceptions import WorkflowError
from reviews.models import ReviewerProfile


class CredentialsRefused(WorkflowError):
    """The credentials cannot be recorded as verified; the message says what is missing."""


def reviewer_credentials_verify(
    *, profile: ReviewerProfile, actor, checked: str, register: str, recheck_due: date | None = None
) -> ReviewerProfile:
    """An editor records that they checked this reviewer's degree, certification and licence today: what
    they checked, against which public register, and when it must be checked again (by default
    CREDENTIALS_RECHECK_DAYS from today). Once that date passes, the reviewer may not accept or approve
    (``perms.credentials_problem``), as with an expired licence.

    Refused (CredentialsRefused) when what was checked or the register is not said, the re-check date is not
    in the future, or the licence number, jurisdiction or a current expiry date is missing; PermissionDenied
    for anyone but an editor. The verifier is always the acting editor.
    """
    if not perms.is_editor(actor):
        raise PermissionDenied("Only an editor may verify a reviewer's credentials.")
    checked, register = (checked or "").strip(), (register or "").strip()
    today = timezone.localdate()
    recheck_due = recheck_due or today + timedelta(days=settings.CREDENTIALS_RECHECK_DAYS)
    with transaction.atomic():
        profile = ReviewerProfile.objects.select_for_update().get(pk=profile.pk)
        missing = [label for label, value in (("licence number", profile.licence_number),
                   ("licence jurisdiction", profile.licence_jurisdiction)) if not value]  # fmt: skip
        if missing:
            raise CredentialsRefused(f"Cannot verify {profile.display_name}: no {' or '.join(missing)} on record.")
        if profile.licence_expires is None or profile.licence_expires < today:
            raise CredentialsRefused(f"Cannot verify {profile.display_name}: the licence has no current expiry date.")
        if not checked or not register:
            what = "what was checked" if not checked else "the public register it was checked against"
            raise CredentialsRefused(f"Cannot verify {profile.display_name}: say {what}.")
        if recheck_due <= today:
            raise CredentialsRefused(f"Cannot verify {profile.display_name}: the re-check date must be in the future.")
        profile.credentials_verified_at, profile.credentials_verified_by = timezone.now(), actor
        profile.credentials_checked, profile.credentials_register = checked, register
        profile.credentials_recheck_due = recheck_due
        history_note(profile, actor=actor, reason=f"credentials verified against {register}")
        profile.save(update_fields=[
            "credentials_verified_at", "credentials_verified_by", "credentials_checked", "credentials_register",
            "credentials_recheck_due",
        ])  # fmt: skip
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
