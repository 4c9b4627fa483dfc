"""Shared fixtures. The suite runs on PostgreSQL; with CI set, a missing database fails the run."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import make_user


def pytest_configure(config):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    message = (
        "The test suite runs on PostgreSQL: set DATABASE_URL (make test does: "
        "postgres://postgres@127.0.0.1:5432/imprimatur)."
    )
    if os.environ.get("CI"):
        raise pytest.UsageError(message)
    config.issue_config_time_warning(pytest.PytestWarning(message), stacklevel=2)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.vendor in ("postgresql", "sqlite")
    yield


@pytest.fixture(autouse=True)
def _email_and_tasks(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.RESOLVERS_ENABLED = False


@pytest.fixture
def tasks(settings):
    """Swap in the dummy task backend and return it, to inspect what was enqueued."""
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    return default_task_backend


@pytest.fixture
def editor(db):
    return make_user("editor", roles=["editor"])


@pytest.fixture
def chief(db):
    return make_user("chief", roles=["editor-in-chief"])


@pytest.fixture
def author(db):
    return make_user("author", roles=["author"])
