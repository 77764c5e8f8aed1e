from django.apps import AppConfig


class OversightConfig(AppConfig):
    """Pages that read across the apps for the people who oversee them: the audit log. Sits on top."""

    name = "oversight"
    verbose_name = "Oversight pages"
