from django.apps import AppConfig


class BookingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bookings"

    def ready(self):
        from core.sections import section_register

        from . import receivers, sections  # noqa: F401 (receivers connect on import)

        section_register("talentpool:profile", sections.profile_feedback)
        section_register("home", sections.home_tasks)
