"""Thin beat tasks over the booking services."""

from celery import shared_task

from . import services, timesheets


@shared_task(name="bookings.tasks.bookings_expire")
def bookings_expire() -> int:
    """Requests not answered within the working days allowed expire; their weeks open again."""
    return services.bookings_expire()


@shared_task(name="bookings.tasks.timesheets_autoconfirm")
def timesheets_autoconfirm() -> int:
    return timesheets.timesheets_autoconfirm()


@shared_task(name="bookings.tasks.timesheet_reminders")
def timesheet_reminders() -> int:
    return timesheets.timesheet_reminders_send()


@shared_task(name="bookings.tasks.booking_reminders")
def booking_reminders() -> int:
    return services.booking_reminders_send()
