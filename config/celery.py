"""The Celery app. Tasks live in each app's tasks.py; beat reads its schedule from the database."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("talentpool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
