"""WSGI entry for the reader benchmark: the real site plus the bare comparison view."""

from django.conf import settings
from django.core.wsgi import get_wsgi_application

settings.ROOT_URLCONF = "bench._reader_site"  # set before the first request builds the resolver
application = get_wsgi_application()
