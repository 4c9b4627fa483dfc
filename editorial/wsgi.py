import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "editorial.settings")
application = get_wsgi_application()

from editorial.checks import refuse_to_start_without_scale_packages  # noqa: E402

refuse_to_start_without_scale_packages()  # a worker that would 500 on every cached page never boots
