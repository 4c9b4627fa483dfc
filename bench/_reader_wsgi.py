"""WSGI entry for the reader benchmark: the real site plus the bare comparison view."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

settings.ROOT_URLCONF = "bench._reader_site"  # set before the first request builds the resolver
if os.environ.get("BENCH_PAGE_CACHE") == "off":  # every article request renders: the cache-miss figure
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
application = get_wsgi_application()
