"""What payments shows on pages of the apps below it (core.sections)."""

from django.http import HttpRequest
from django.urls import reverse

from bookings.models import Booking
from councils.models import Role

from .models import InvoiceLine, InvoiceStatus


def booking_invoices(request: HttpRequest, *, booking: Booking) -> dict:
    """The booking page's invoice for each invoiced week: its number and whether it is paid, linked for the
    two councils' finance officers (the invoice pages are theirs)."""
    user = request.user
    finance = (
        getattr(user, "council_id", None) in (booking.customer_council_id, booking.supplier_council_id)
        and user.has_role(Role.FINANCE_OFFICER)  # type: ignore[union-attr]
    )
    lines = InvoiceLine.objects.filter(timesheet__week__booking=booking).select_related("invoice", "timesheet")
    return {
        "week_invoices": {
            line.timesheet.week_id: {
                "number": line.invoice.number,
                "status": "paid" if line.invoice.status == InvoiceStatus.PAID else "not paid yet",
                "url": reverse("payments:invoice", args=[line.invoice.number]) if finance else None,
            }
            for line in lines
        }
    }
