from django.apps import AppConfig


class EditorialConfig(AppConfig):
    """The project package as an app, so its start-up checks register without an app importing upwards."""

    name = "editorial"
    verbose_name = "Imprimatur"

    def ready(self) -> None:
        from editorial import checks  # noqa: F401  (the scale-out profile's start-up check)
