from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """What spans every app about one person: their data download and their erasure. Sits on top."""

    name = "privacy"
    verbose_name = "Personal data"
