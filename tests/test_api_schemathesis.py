"""Schemathesis over the OpenAPI schema, through Django's WSGI app: no generated request gets a 500.

Examples are bounded (a few per operation, derandomised) so the run stays short. Every request
carries an editor's token with all scopes, and an article id that exists, so the write endpoints
are exercised past authentication and lookup.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from reviews.api.tokens import token_create
from tests.factories import make_article, make_user


@pytest.fixture
def api_schema(db):
    # Like Django's test client: keep the test's transaction open across the WSGI requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(db):
    editor = make_user("api-editor", roles=["editor"])
    return token_create(owner=editor, actor=editor, name="fuzz", scopes=["read", "submit", "review-desk", "publish"])


@pytest.fixture
def some_article(db):
    return make_article()


def test_no_request_the_schema_allows_gets_a_server_error(api_schema, editor_token, some_article, settings):
    # One Hypothesis run per operation (schemathesis' pytest plugin is not used: it lags pytest 9).
    settings.API_TOKEN_RATE = "100000/hour"
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {"/api/desk/articles/", "/api/desk/articles/{id}/submit/"} <= {op.path for op in operations}
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        def call(case):
            if case.path_parameters and "id" in case.path_parameters:
                case.path_parameters["id"] = some_article.pk
            response = case.call(headers={"Authorization": f"Bearer {editor_token.clear}"})
            case.validate_response(response, checks=[not_a_server_error])

        call()
