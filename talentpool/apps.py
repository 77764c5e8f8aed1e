from django.apps import AppConfig


class TalentpoolConfig(AppConfig):
    name = "talentpool"
    verbose_name = "Talent pool"

    def ready(self):
        from core.sections import section_register

        from . import receivers, sections  # noqa: F401 (receivers connect on import)

        section_register("home", sections.home_tasks)
