"""Imprimatur settings. Every environment differs only by its environment variables.

Development (the default) runs on a SQLite file beside manage.py with a dev-only key.
Production (``DJANGO_ENV=production``) needs ``DJANGO_SECRET_KEY``, ``DATABASE_URL`` and
``DJANGO_ALLOWED_HOSTS`` and turns on every transport-security setting ``check --deploy`` asks for.
"""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp import constants as csp_constants
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} is required.")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


# Keys people type when they mean "fill this in later"; a production key must be none of them.
PLACEHOLDER_SECRETS = {"changeme", "change-me", "change_me", "secret", "secretkey", "secret-key", "password",
                       "django-insecure", "insecure", "dev", "development", "test", "default", "xxx"}  # fmt: skip
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def secret_key_refusal(key: str) -> str:
    """Why ``key`` is unfit to sign production sessions and tokens, or "" when it is fit."""
    lowered = key.strip().lower()
    if lowered in PLACEHOLDER_SECRETS or lowered.startswith(("django-insecure", "changeme", "dev-only")):
        return "it is a placeholder"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        return f"it has only {len(set(key))} different characters"
    return ""


PRODUCTION = env("DJANGO_ENV", "development") == "production"

SECRET_KEY = (
    env("DJANGO_SECRET_KEY") if PRODUCTION else env("DJANGO_SECRET_KEY", "dev-only-key-never-used-in-production-3f9a1c")
)
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The demo passes HOST and PORT (see the Makefile), so its email links point where it serves.
_DEMO_URL = f"http://{env('HOST', '127.0.0.1')}:{env('PORT', '8000')}"
SITE_URL = (env("SITE_URL") if PRODUCTION else env("SITE_URL", _DEMO_URL)).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "editorial",
    "articles",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Below CSP so the 503 page carries the policy; above everything that may touch the database.
    "editorial.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "editorial.request_guard.RequestValueGuard",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "reviews.middleware.InvitationScopeMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "editorial.urls"
WSGI_APPLICATION = "editorial.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Workflow functions own their transactions, so requests are not wrapped in one.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'imprimatur.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's web server, task worker and jobs loop all write: WAL lets readers go on while one
    # writes, IMMEDIATE takes the write lock at BEGIN (no upgrade deadlock) and the timeout waits.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT_SECONDS", 20),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# While the database cannot be reached, pages answer 503 with this Retry-After (editorial.middleware).
DATABASE_RETRY_AFTER_SECONDS = env_int("DATABASE_RETRY_AFTER_SECONDS", 15)

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "imprimatur",
        }
    }

# Reader article pages: how long each worker may reuse the small query that identifies a page
# (its ETag and cache key). 0 re-reads it on every request; 1 s keeps readers within a second of a
# publish or withdrawal and saves nearly every query under load.
READER_STAMP_SECONDS = env_int("READER_STAMP_SECONDS", 1 if PRODUCTION else 0)
# Each web worker also keeps the article pages it served most recently, up to this many (about 35 KB each),
# as the bytes sent: a page's cache key is a digest of everything it shows, so a kept copy is never out of
# date, and a cached page then costs no round trip to Redis (nor, with the in-process cache, unpickling a
# copy). 0 turns the copy off.
READER_LOCAL_PAGES = env_int("READER_LOCAL_PAGES", 200)
# While the database cannot be reached, a reader article page rendered within this long is still served
# from the cache (stale-if-error); other pages answer 503. A withdrawal forgets the page at once.
READER_STALE_IF_ERROR_SECONDS = env_int("READER_STALE_IF_ERROR_SECONDS", 24 * 3600)

# Background work: the database queue on one machine, RQ on Redis when scaled out.
TASK_BACKEND = env("TASK_BACKEND", "database")
TASKS = {
    "default": {
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
        "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
        "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }[TASK_BACKEND]
}
# A task still "running" this long after a worker claimed it lost its worker (reviews.jobs.task_recovery):
# it is queued again, or marked failed once TASK_MAX_ATTEMPTS workers have claimed it.
TASK_RUNNING_TIMEOUT_SECONDS = env_int("TASK_RUNNING_TIMEOUT_SECONDS", 30 * 60)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 2)
if TASK_BACKEND == "rq":
    # Only when installed, so the start-up check (editorial.checks) can name the missing extra.
    INSTALLED_APPS += ["django_rq"] if importlib.util.find_spec("django_rq") else []
    RQ_QUEUES = {"default": {"URL": env("REDIS_URL")}}
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # so a plain `manage.py rqworker` runs django-tasks jobs

# Scale-out: a CDN in front of the reader pages and an optional read replica.
# Shared caches may keep reader pages for READER_S_MAXAGE seconds and serve them for
# READER_STALE_WHILE_REVALIDATE more while they fetch a fresh copy; browsers always revalidate.
READER_S_MAXAGE = env_int("READER_S_MAXAGE", 300)
READER_STALE_WHILE_REVALIDATE = env_int("READER_STALE_WHILE_REVALIDATE", 30)
# Purge request per surrogate key after publish, unpublish or withdrawal, e.g.
# https://api.fastly.com/service/SERVICE/purge/{key} (empty: no purging).
CDN_PURGE_URL = env("CDN_PURGE_URL", "")
CDN_PURGE_METHOD = env("CDN_PURGE_METHOD", "POST")
CDN_PURGE_TOKEN = env("CDN_PURGE_TOKEN", "")  # sent as "Authorization: Bearer <token>" when set
CDN_PURGE_TIMEOUT_SECONDS = float(env("CDN_PURGE_TIMEOUT_SECONDS", "10"))
# Reader pages, the API's reads and the sitemaps read from the replica; everything else, and
# every request for REPLICA_PIN_SECONDS after one that wrote, from the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", "")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(
            DATABASE_REPLICA_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        ),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["editorial.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(0, "editorial.replicas.ReplicaMiddleware")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses every sign-in (on /accounts/login/ and /admin/login/ alike) while a lockout lasts.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for LOGIN_LOCKOUT_MINUTES, even with the right password. Locking the
# pair rather than the username alone keeps a stranger from locking an editor out of their account.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    # The proxy appends the client's address; without a proxy only REMOTE_ADDR is believed.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_PROXY_ORDER = "right-most"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/review/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Imprimatur <editorial@localhost>")

# Content-Security-Policy (django-csp): only this site's own scripts, styles and images. The one inline
# element, the article page's JSON-LD, carries the per-response nonce (articles.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp_constants.NONCE],
        "style-src": ["'self'", csp_constants.NONCE],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# History is never edited: the admin's "revert" form would save a past row over the present.
SIMPLE_HISTORY_REVERT_DISABLED = True

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
}
SPECTACULAR_SETTINGS = {"TITLE": "Imprimatur API", "VERSION": "1.0.0"}
# Requests per API token (DRF throttle rate: "<n>/second|minute|hour|day").
API_TOKEN_RATE = env("API_TOKEN_RATE", "600/hour")
# Seconds a webhook receiver has to answer before the attempt counts as failed.
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))

# Reference resolvers (Crossref, NCBI E-utilities) are off unless asked for: the product works offline.
RESOLVERS_ENABLED = env_bool("RESOLVERS_ENABLED", default=False)
RESOLVER_CONTACT_EMAIL = env("RESOLVER_CONTACT_EMAIL", "editorial@localhost")
RESOLVER_TIMEOUT_SECONDS = float(env("RESOLVER_TIMEOUT_SECONDS", "10"))
NCBI_API_KEY = env("NCBI_API_KEY", "")
# The registries' addresses: a mirror, an institutional proxy or a local stand-in may serve them.
CROSSREF_API_URL = env("CROSSREF_API_URL", "https://api.crossref.org/works/")
NCBI_EUTILS_URL = env("NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/")

# A "non-material" edit (reviews.workflow.materiality) keeps its approval only when it changes at most
# this many words, and at most this percentage of the old text's words.
NON_MATERIAL_MAX_CHANGED_WORDS = env_int("NON_MATERIAL_MAX_CHANGED_WORDS", 6)
NON_MATERIAL_MAX_CHANGED_PERCENT = env_int("NON_MATERIAL_MAX_CHANGED_PERCENT", 5)

# A comment quoted from one revision is shown on a later one where its passage is found again: the
# same text, else the most similar words (difflib ratio, percent) at or above this; "passage removed" below it.
COMMENT_REANCHOR_MIN_SIMILARITY = env_int("COMMENT_REANCHOR_MIN_SIMILARITY", 75)

# Signing a decision (reviews.assignments.signatures): this many refused attempts within the window
# lock signing on that assignment for that user until the oldest of them leaves the window.
SIGNATURE_MAX_FAILURES = env_int("SIGNATURE_MAX_FAILURES", 5)
SIGNATURE_LOCKOUT_MINUTES = env_int("SIGNATURE_LOCKOUT_MINUTES", 15)

# The sign-in link in an invitation email (reviews.assignments.invitations) expires after this many days.
INVITATION_LINK_DAYS = env_int("INVITATION_LINK_DAYS", 7)

# Currency thresholds for the reference-outdated rule, in years.
REFERENCE_MAX_AGE_GUIDELINE = env_int("REFERENCE_MAX_AGE_GUIDELINE", 10)
REFERENCE_MAX_AGE_OTHER = env_int("REFERENCE_MAX_AGE_OTHER", 20)

# Plain language on patient pages: the Flesch-Kincaid grade a paragraph should not exceed (grade 7 is
# about age 12) and the longest sentence, in words, before the readability rule warns.
READING_GRADE_TARGET = float(env("READING_GRADE_TARGET", "7"))
READING_LONG_SENTENCE_WORDS = env_int("READING_LONG_SENTENCE_WORDS", 25)

# Readers' error reports accepted from one address per hour (counted in the cache).
ERROR_REPORTS_PER_HOUR = env_int("ERROR_REPORTS_PER_HOUR", 5)

# Days until a reviewer's verified credentials must be checked again, unless the editor sets the date.
CREDENTIALS_RECHECK_DAYS = env_int("CREDENTIALS_RECHECK_DAYS", 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

if PRODUCTION:
    refusal = secret_key_refusal(SECRET_KEY)
    if refusal:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY is not fit for production: {refusal}.")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production: debug pages show settings and code.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is required in production.")
    if "DATABASE_URL" not in os.environ:
        raise ImproperlyConfigured("DATABASE_URL is required in production.")
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that sets X-Forwarded-Proto itself; otherwise clients could claim HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
