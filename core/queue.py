"""Queueing a Celery task by its registered name, so a service that queues work need not import its
app's tasks module (which imports the service: the cycle this avoids)."""

from typing import Any

from celery import current_app


def task_queue(name: str, *args: Any) -> Any:
    """`name` is the task's registered name (each tasks.py names its tasks). Honours eager mode."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # every app's tasks.py (Celery's autodiscovery, done now)
    return current_app.tasks[name].delay(*args)
