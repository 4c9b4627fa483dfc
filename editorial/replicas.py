"""Read replica routing (active only when DATABASE_REPLICA_URL is set).

Reader pages, the API's reads and the sitemaps read from the ``replica`` alias; everything else
reads from the primary, and every write goes to the primary. A request reads its own writes:
once it has written, the rest of it reads from the primary, and its response sets a short-lived
cookie so the same browser's next requests (for REPLICA_PIN_SECONDS, longer than the replica's
lag) read from the primary too. Reads inside a transaction always go to the primary, where the
transaction's own rows and row locks are.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "read_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# URL namespaces and names whose safe requests may read from the replica.
REPLICA_NAMESPACES = frozenset({"articles", "api"})
REPLICA_URL_NAMES = frozenset({"sitemap", "sitemap-section"})

_use_replica: ContextVar[bool] = ContextVar("use_replica", default=False)
_wrote: ContextVar[bool] = ContextVar("wrote", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _use_replica.get() or _wrote.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two ways to reach it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _replica_view(request) -> bool:
    match = request.resolver_match
    if match is None or request.method not in SAFE_METHODS or request.COOKIES.get(PIN_COOKIE):
        return False
    return bool(set(match.namespaces) & REPLICA_NAMESPACES) or match.url_name in REPLICA_URL_NAMES


class ReplicaMiddleware:
    """Chooses the database a request reads from; pins a browser to the primary after it wrote."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica_token, wrote_token = _use_replica.set(False), _wrote.set(False)
        try:
            response = self.get_response(request)
            wrote = _wrote.get()
        finally:
            _use_replica.reset(replica_token)
            _wrote.reset(wrote_token)
        if wrote or request.method not in SAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True, samesite="Lax",
                secure=request.is_secure(),
            )  # fmt: skip
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _replica_view(request):
            _use_replica.set(True)
        return None
