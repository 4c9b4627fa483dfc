"""Start-up checks for the scale-out profile.

``REDIS_URL`` (the shared cache) and ``TASK_BACKEND=rq`` (the RQ task queue) need the packages
of the ``scale`` extra. Without them every cached page would fail on its first request, so the
server refuses to start instead and says how to install them.
"""

import importlib.util
import os

from django.conf import settings
from django.core.checks import Error, register

INSTALL_HINT = "pip install 'imprimatur[scale]' (in a checkout: pip install -e '.[scale]')"


def _missing(modules: tuple[str, ...]) -> list[str]:
    return [name for name in modules if importlib.util.find_spec(name) is None]


@register()
def scale_packages_installed(app_configs=None, **kwargs) -> list[Error]:
    """Error ``editorial.E001`` when Redis is configured without its client, ``E002`` for RQ without RQ."""
    errors = []
    if os.environ.get("REDIS_URL") or _uses_redis_cache():
        missing = _missing(("redis",))
        if missing:
            errors.append(
                Error(
                    "REDIS_URL is set, so the cache is Redis, but the Python package 'redis' is not installed.",
                    hint=f"Install the scale-out packages: {INSTALL_HINT}; or unset REDIS_URL.",
                    id="editorial.E001",
                )
            )
    if getattr(settings, "TASK_BACKEND", "") == "rq":
        missing = _missing(("redis", "rq", "django_rq", "django_tasks_rq"))
        if missing:
            errors.append(
                Error(
                    f"TASK_BACKEND=rq, but these packages are not installed: {', '.join(missing)}.",
                    hint=f"Install the scale-out packages: {INSTALL_HINT}; or set TASK_BACKEND=database.",
                    id="editorial.E002",
                )
            )
        if not os.environ.get("REDIS_URL"):
            errors.append(
                Error(
                    "TASK_BACKEND=rq needs REDIS_URL, the Redis server that holds the queue.",
                    hint="Set REDIS_URL, e.g. redis://127.0.0.1:6379/0.",
                    id="editorial.E003",
                )
            )
    return errors


def _uses_redis_cache() -> bool:
    return any("redis" in str(cache.get("BACKEND", "")).lower() for cache in settings.CACHES.values())


def refuse_to_start_without_scale_packages() -> None:
    """For servers that run no management command (gunicorn): raise the check's errors at start-up."""
    from django.core.exceptions import ImproperlyConfigured

    errors = scale_packages_installed()
    if errors:
        raise ImproperlyConfigured(" ".join(f"{e.msg} {e.hint}" for e in errors))
