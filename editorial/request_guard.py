"""Refuse request values PostgreSQL cannot store before any view sees them.

A NUL byte can be neither stored in nor compared with a PostgreSQL text column, so a query string,
form field or JSON body holding one (raw, or as the JSON escape ``\\u0000``) is refused here with
400 naming the parameter: refused, never stripped, so what is stored is what was sent. Uploaded
files are not looked at (they are parsed, and refused, by the import that reads them).
"""

import json

from django.http import HttpResponseBadRequest

from articles.parsing import contains_nul

JSON_TYPES = ("application/json", "application/merge-patch+json")


class RequestValueGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            return HttpResponseBadRequest(f"Bad request: {problem}\n", content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def problem(self, request) -> str | None:
        if "\x00" in request.path:
            return "the address contains a NUL byte"
        sources = [("query", request.GET)]
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(("form", request.POST))
        for where, values in sources:
            for key, items in values.lists():
                if "\x00" in key or any("\x00" in item for item in items):
                    shown = key.replace("\x00", "?")[:60]
                    return f"the {where} value '{shown}' contains a NUL byte, which cannot be stored"
        if request.content_type in JSON_TYPES and request.body:
            try:
                if contains_nul(json.loads(request.body)):
                    return "the JSON body contains a NUL character (\\u0000), which cannot be stored"
            except (ValueError, UnicodeDecodeError):
                return None  # not JSON: the view's parser says so
        return None
