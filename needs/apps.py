from django.apps import AppConfig


class NeedsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "needs"
    verbose_name = "Posted needs"

    def ready(self):
        from core.sections import section_register

        from . import sections

        section_register("home", sections.home_tasks)
