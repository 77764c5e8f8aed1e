from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared layer: helpers every app may use (money format, safe CSV). Uses no domain app."""

    name = "core"
    verbose_name = "Shared web layer"
