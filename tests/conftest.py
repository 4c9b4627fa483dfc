"""Shared fixtures. The suite runs on PostgreSQL; with CI set, a missing database fails the run."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from tests.factories import make_user

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are still synchronous, so Django's async-safety guard is lifted for the test run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def pytest_configure(config):
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        _require_reachable_postgres()
        return
    message = (
        "The test suite runs on PostgreSQL: set DATABASE_URL (make test does: "
        "postgres://postgres@127.0.0.1:5432/imprimatur)."
    )
    if os.environ.get("CI"):
        raise pytest.UsageError(message)
    config.issue_config_time_warning(pytest.PytestWarning(message), stacklevel=2)


_DB_FIXTURES = frozenset({"db", "transactional_db", "live_server", "django_db_reset_sequences"})


def pytest_collection_modifyitems(items):
    """With a read replica configured (make test sets one: a test mirror of the database), every
    test that uses the database may use both aliases, since reader pages read from the replica."""
    if "replica" not in settings.DATABASES:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not _DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        if kwargs.get("databases") is None:
            kwargs["databases"] = ["default", "replica"]
        item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert connection.vendor in ("postgresql", "sqlite")
    yield
    connections.close_all()  # the replica alias too, so the test database can be dropped


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


def _require_reachable_postgres() -> None:
    import psycopg

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
            password=db["PASSWORD"] or None, dbname="postgres", connect_timeout=5,
        ).close()  # fmt: skip
    except psycopg.OperationalError as error:
        message = f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} ({error}). Start it or set DATABASE_URL."
        if os.environ.get("CI"):
            raise pytest.UsageError(message) from None
        raise pytest.UsageError(message) from None


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright. Missing under CI=true fails the run; never a skip there."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Browser tests need chromium at {CHROMIUM} (apt-get install chromium).")
        pytest.skip(f"chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    """Log a user in through the real login form."""

    def do(user, password="pw-for-tests-only", next_url="/review/"):
        page.goto(f"/accounts/login/?next={next_url}")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        page.locator("main").get_by_role("button", name="Sign in").click()
        return page

    return do


@pytest.fixture
def artifacts() -> Path:
    """Where browser tests save screenshots for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
