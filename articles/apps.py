from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles"

    def ready(self) -> None:
        # Cache plumbing: kept pages for outages, the page store and the CDN purge receivers.
        from articles import cdn, pages, signals  # noqa: F401
