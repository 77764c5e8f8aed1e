"""Thin beat tasks over the booking services."""

from celery import shared_task

from . import services


@shared_task(name="bookings.tasks.bookings_expire")
def bookings_expire() -> int:
    """Requests not answered within the working days allowed expire; their weeks open again."""
    return services.bookings_expire()
