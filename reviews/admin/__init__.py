"""The editors' desk in the Django admin: change list, change page, desk views and their forms.

Importing the package registers the model admins (Django's admin autodiscovery imports it).
"""

from reviews.admin import articles, records  # noqa: F401  (registers the model admins)
from reviews.api import admin as api_admin  # noqa: F401  (API tokens and webhooks)
from reviews.mail import admin as mail_admin  # noqa: F401  (email templates)
