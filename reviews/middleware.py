"""A session opened by an invitation link reaches only its assignment's pages (and sign-out)."""

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import render

from reviews.assignments.invitations import SCOPE_KEY, scoped_paths


class InvitationScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Readers without a session cookie are never touched, so public pages stay cacheable (no Vary: Cookie).
        session = getattr(request, "session", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        try:
            scoped = session.get(SCOPE_KEY) if session is not None else None
        except (OperationalError, InterfaceError):
            # The database is down: the view's own read fails the same way and answers the styled 503
            # (raised here it would bypass that answer); only cached public pages are served meanwhile.
            return self.get_response(request)
        if scoped and request.user.is_authenticated and not request.path.startswith(scoped_paths(scoped)):
            context = {"title": "This sign-in opens one assignment only", "assignment_id": scoped}
            return render(request, "reviews/invitation.html", context, status=403)
        return self.get_response(request)
