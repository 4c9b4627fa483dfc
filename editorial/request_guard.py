"""Refuse request values PostgreSQL cannot store before any view sees them.

A NUL byte can be neither stored in nor compared with a PostgreSQL text column, so a staff or
reviewer page's query string, or any form field or JSON body, holding one (raw, or as the JSON
escape ``\\u0000``) is refused here with 400 naming the parameter: refused, never stripped, so
what is stored is what was sent. Uploaded files are not looked at (the import that reads them
refuses them).
"""

import json

from django.http import HttpResponseBadRequest, JsonResponse

from articles.parsing import contains_nul

GUARDED_QUERY_PATHS = ("/admin/", "/review/", "/accounts/")
JSON_TYPES = ("application/json", "application/merge-patch+json")


class RequestValueGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = self.problem(request)
        if found is None:
            return self.get_response(request)
        name, problem = found
        if request.path.startswith("/api/"):  # the API's own error shape: {field: [messages]}
            return JsonResponse({name: ["Null characters are not allowed.", problem]}, status=400)
        return HttpResponseBadRequest(f"Bad request: {problem}\n", content_type="text/plain; charset=utf-8")

    def problem(self, request) -> tuple[str, str] | None:
        """(parameter, what is wrong) for the first value holding a NUL, or None."""
        if "\x00" in request.path:
            return "path", "the address contains a NUL byte"
        # The reader pages and the API parse their own query strings (search drops control
        # characters; DRF fields refuse NUL naming the field); the staff and reviewer pages are guarded.
        sources = [("query", request.GET)] if request.path.startswith(GUARDED_QUERY_PATHS) else []
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(("form", request.POST))
        for where, values in sources:
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in item for item in items):
                    shown = key.replace("\x00", "?")[:60]
                    return shown, f"the {where} value '{shown}' contains a NUL byte, which cannot be stored"
        if request.content_type in JSON_TYPES and request.body:
            try:
                if contains_nul(json.loads(request.body)):
                    return (
                        "non_field_errors",
                        "the JSON body contains a NUL character (\\u0000), which cannot be stored",
                    )
            except (ValueError, UnicodeDecodeError):
                return None  # not JSON: the view's parser says so
        return None
