from django.apps import AppConfig


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = "Councils and accounts"
