from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Review and workflow"

    def ready(self) -> None:
        from reviews.roles import grant_role_permissions

        post_migrate.connect(grant_role_permissions, sender=self, dispatch_uid="reviews-role-grants")
