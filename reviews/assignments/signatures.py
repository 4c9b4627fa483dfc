"""Signing a decision: the reviewer re-enters their password, and the signature's manifestation is kept.

``signature_verify`` runs before the decision's transaction: a wrong password refuses the decision
and records only a SignatureFailure (which must outlive the refusal, so it is written outside the
decision's transaction). ``SIGNATURE_MAX_FAILURES`` refusals within ``SIGNATURE_LOCKOUT_MINUTES``
lock signing on that assignment for that user, whatever password is given next, until the window
passes. ``signature_record`` writes the manifestation (printed name, credentials, date and time,
meaning) beside the Review, inside the decision's transaction.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from reviews.exceptions import WorkflowError
from reviews.models import DecisionSignature, Review, ReviewAssignment, SignatureFailure

log = logging.getLogger(__name__)


class SignatureRefused(WorkflowError):
    """The signature was not given: wrong password, or signing is locked after repeated failures."""


def _recent_failures(*, assignment: ReviewAssignment, user) -> list:
    since = timezone.now() - timedelta(minutes=settings.SIGNATURE_LOCKOUT_MINUTES)
    failures = SignatureFailure.objects.filter(assignment=assignment, user=user, at__gte=since)
    return list(failures.order_by("at").values_list("at", flat=True))


def locked_until(*, assignment: ReviewAssignment, user):
    """When signing on this assignment opens again for this user, or None when it is open now."""
    recent = _recent_failures(assignment=assignment, user=user)
    if len(recent) < settings.SIGNATURE_MAX_FAILURES:
        return None
    return recent[-settings.SIGNATURE_MAX_FAILURES] + timedelta(minutes=settings.SIGNATURE_LOCKOUT_MINUTES)


def signature_verify(*, assignment: ReviewAssignment, user, password: str) -> None:
    """Check the signer's password. Raises SignatureRefused (logging the failure) when it is wrong or locked."""
    until = locked_until(assignment=assignment, user=user)
    if until is not None:
        raise SignatureRefused(
            f"Signing is locked after {settings.SIGNATURE_MAX_FAILURES} wrong passwords; try again after "
            f"{timezone.localtime(until):%H:%M} ({timezone.get_current_timezone_name()}). "
            "Your decision was not recorded."
        )
    if password and user.check_password(password):
        return
    SignatureFailure.objects.create(assignment=assignment, user=user)
    log.warning("refused signature: user %s on assignment %s", user.pk, assignment.pk)
    left = settings.SIGNATURE_MAX_FAILURES - len(_recent_failures(assignment=assignment, user=user))
    raise SignatureRefused(
        "The password is wrong, so the decision was not signed and nothing was recorded"
        + (f" ({left} attempt(s) left before signing is locked)." if left > 0 else "; signing is now locked.")
    )


def signature_meaning(review: Review) -> str:
    """What the decision means, with the claim ledger it was signed with (when any claim was marked)."""
    if review.decision == ReviewAssignment.Decision.APPROVE:
        meaning = f"approved revision {review.revision} as medically accurate"
    else:
        meaning = f"requested changes to revision {review.revision}"
    marks = [entry["mark"] for entry in review.ledger or []]
    if any(mark != "not_checked" for mark in marks):
        meaning += (
            f"; {len(marks)} cited claim(s) checked against their sources: {marks.count('supports')} supported, "
            f"{marks.count('does_not_support')} not supported, {marks.count('not_checked')} not checked"
        )
    return meaning


def signature_record(*, review: Review, signer) -> DecisionSignature:
    """The manifestation of the signature on ``review``, written in the decision's transaction."""
    return DecisionSignature.objects.create(
        review=review,
        signer=signer,
        printed_name=review.credentials.get("name", ""),
        credentials=review.credentials.get("display", ""),
        signed_at=timezone.now(),
        meaning=signature_meaning(review),
    )
