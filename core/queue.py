"""Queueing a Celery task by its registered name, so a service that queues work need not import its
app's tasks module (which imports the service: the cycle this avoids)."""

import threading
from typing import Any

from celery import current_app

_discovering = threading.RLock()  # re-entrant: a tasks module that queued a task as it loaded would not hang


def tasks_import() -> None:
    """Import every app's tasks.py (Celery's autodiscovery, done now), one thread at a time. Celery's own
    guard against discovery re-entering itself returns nothing to a second thread that asks while a first
    is discovering: that thread then found no task by the name, and its e-mail was left to the outbox flush
    (1 to 4 times a run under the benchmark's 32 booking clients, 2026-11-30)."""
    with _discovering:
        current_app.loader.import_default_modules()


def task_queue(name: str, *args: Any) -> Any:
    """`name` is the task's registered name (each tasks.py names its tasks). Honours eager mode."""
    if name not in current_app.tasks:
        tasks_import()
    return current_app.tasks[name].delay(*args)
