from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self):
        # CDN purge receivers (cache invalidation plumbing) and the scale-out start-up check.
        from articles import cdn  # noqa: F401
        from editorial import checks  # noqa: F401
