"""E-mails about a booking: each names the booking and the person it is for."""

from typing import Any

from notifications.services import email_people

from .models import Booking


def booking_email(person: Any, *, kind: str, subject: str, template: str, booking: Booking, **context: Any) -> None:
    email_people([person], kind=kind, subject=subject, template=template, context={"booking": booking, **context})
