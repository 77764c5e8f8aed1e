"""Thin beat task over the needs services."""

from celery import shared_task

from . import services


@shared_task(name="needs.tasks.needs_close")
def needs_close() -> int:
    """Open needs past their closing date close; the people who answered are told."""
    return services.needs_close_due()
