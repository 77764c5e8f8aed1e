from django.apps import AppConfig


class TalentpoolConfig(AppConfig):
    name = "talentpool"
    verbose_name = "Talent pool"

    def ready(self):
        from . import receivers  # noqa: F401 (receivers connect on import)
