"""Invitation links: a sign-in link in the invitation email, scoped to one assignment.

A link is a ``secrets.token_urlsafe`` token; only its sha256 is stored. It signs in only the
assigned reviewer, once, before it expires (``INVITATION_LINK_DAYS``), while the assignment is
open; the session it opens is limited to that assignment's pages (``SCOPE_KEY``, enforced by
``reviews.middleware.InvitationScopeMiddleware``). Accepting still needs the conflict-of-interest
declaration and verified credentials, and deciding still needs the signature (the password).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reviews.exceptions import WorkflowError
from reviews.models import OPEN_STATUSES, InvitationLink, ReviewAssignment

SCOPE_KEY = "invitation_assignment"


class LinkRefused(WorkflowError):
    """The link gives no access; ``title`` and the message say why, ``status`` is the HTTP answer."""

    def __init__(self, title: str, message: str, status: int):
        self.title, self.status = title, status
        super().__init__(message)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_issue(*, assignment: ReviewAssignment) -> str:
    """A new single-use link token for ``assignment``; the caller puts it in the email, we keep its hash."""
    token = secrets.token_urlsafe(32)
    InvitationLink.objects.create(
        assignment=assignment,
        token_hash=token_hash(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_LINK_DAYS),
    )
    return token


def _refuse_if_unusable(link: InvitationLink | None, user) -> None:
    if link is None:
        raise LinkRefused("This link is not valid", "The link is incomplete or was altered. Use the link "
                          "exactly as it is in your invitation email, or sign in with your password.", 404)  # fmt: skip
    reviewer = link.assignment.reviewer.user
    if user is not None and user.is_authenticated and user.pk != reviewer.pk:
        raise LinkRefused("This invitation is for someone else", "You are signed in as another person: an "
                          "invitation link opens only for the reviewer it was sent to.", 403)  # fmt: skip
    if not reviewer.is_active:
        raise LinkRefused("This account is closed", "The account this invitation was sent to is no longer "
                          "active. Ask the editors.", 403)  # fmt: skip
    if link.used_at is not None:
        raise LinkRefused("This link was already used", "Each invitation link signs in once. Sign in with your "
                          "password, or ask the editors for a new invitation.", 410)  # fmt: skip
    if link.expires_at <= timezone.now():
        raise LinkRefused("This link has expired", "Invitation links expire. Sign in with your password, or "
                          "ask the editors for a new invitation.", 410)  # fmt: skip
    if link.assignment.status not in OPEN_STATUSES:
        raise LinkRefused("This invitation is closed", f"The assignment is "
                          f"{link.assignment.status_label.lower()}.", 410)  # fmt: skip


def link_peek(*, token: str, user) -> ReviewAssignment:
    """The assignment a link would open, without using it; raises LinkRefused as ``link_redeem`` does."""
    link = (
        InvitationLink.objects.select_related("assignment__reviewer__user", "assignment__article")
        .filter(token_hash=token_hash(token))
        .first()
    )
    _refuse_if_unusable(link, user)
    return link.assignment


def link_redeem(*, token: str, user) -> ReviewAssignment:
    """Use the link once: returns its assignment (whose reviewer the caller signs in), or raises LinkRefused."""
    with transaction.atomic():
        link = (
            InvitationLink.objects.select_for_update(of=("self",))
            .select_related("assignment__reviewer__user", "assignment__article")
            .filter(token_hash=token_hash(token))
            .first()
        )
        _refuse_if_unusable(link, user)
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
    return link.assignment


def scoped_paths(assignment_id: int) -> tuple[str, ...]:
    """The URL prefixes a session opened by an invitation link may reach."""
    return (f"/review/assignments/{assignment_id}/", "/accounts/logout/", "/static/")
