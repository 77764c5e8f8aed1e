from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Pages that read across the apps for the people who oversee them: the audit log, and platform
    staff's part of the home page. Sits on top."""

    name = "oversight"
    verbose_name = "Oversight pages"

    def ready(self):
        from core.sections import section_register

        from . import sections

        section_register("home", sections.home_tasks)
