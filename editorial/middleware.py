"""The answer when the database cannot be reached: a styled 503 with Retry-After, never a 500.

``DatabaseUnavailableMiddleware`` catches the error a view raises; ``server_error`` (the project's
``handler500``) catches the same error raised by a middleware (a session read, say), which Django
turns into a 500 before any outer middleware sees it. The page is rendered without the request, so
no context processor reads the session, the user or the messages from the database that is down.
Reader article pages do better where they can: ``articles.views`` serves their last rendering.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("editorial.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response() -> HttpResponse:
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("Database unavailable for %s %s: %s", request.method, request.path, exception)
            return database_unavailable_response()
        return None


def server_error(request, *args, **kwargs):
    """handler500: a database outage is a 503; anything else is Django's own 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        logger.warning("Database unavailable for %s %s: %s", request.method, request.path, error)
        return database_unavailable_response()
    return django_server_error(request, *args, **kwargs)
