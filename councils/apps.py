from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "Councils and accounts"

    def ready(self):
        from core.sections import section_register

        from .views import council_home_section

        section_register("home", council_home_section)
