"""What payments shows on pages of the apps below it (core.sections)."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking
from core.sections import shortlist
from councils.models import Role

from . import selectors
from .models import Agreement, InvoiceLine, InvoiceStatus
from .settlement import next_month

if TYPE_CHECKING:
    from .models import InvoiceWithBalance

LATEST_MONTHS = 3  # the settled months whose downloads the finance officer's home page links to


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


@dataclass
class Overdue:
    """An unpaid invoice past its due date, and by how many days."""

    invoice: "InvoiceWithBalance"
    days: int


def home_tasks(request) -> dict:
    """The finance officer's home: invoices received to confirm or dispute (by their due date), overdue
    invoices to pay and to collect, disputes of the council's own invoices, the latest settled month's
    outstanding position and that month's downloads. Three queries, whatever the number of invoices."""
    user = request.user
    if (
        not user.is_authenticated
        or not user.council_id
        or not user.is_active_member
        or not user.has_role(Role.FINANCE_OFFICER)
    ):
        return {}
    council = user.council
    today = timezone.localdate()
    open_invoices = list(selectors.invoices_open(council_id=council.pk))
    received = [i for i in open_invoices if i.customer_id == council.pk]
    issued = [i for i in open_invoices if i.supplier_id == council.pk]
    to_pay = _overdue(received, today)
    to_collect = _overdue(issued, today)
    # An invoice is listed once: overdue and not yet confirmed, to pay; overdue and disputed, to collect.
    paying = {o.invoice.pk for o in to_pay}
    collecting = {o.invoice.pk for o in to_collect}
    months = list(selectors.settlement_runs_settled()[:LATEST_MONTHS])
    return {
        "finance_tasks": {
            "to_agree": shortlist([i for i in received if i.agreement == Agreement.UNANSWERED and i.pk not in paying]),
            "to_pay": shortlist(to_pay),
            "to_collect": shortlist(to_collect),
            "disputed": shortlist([i for i in issued if i.agreement == Agreement.DISPUTED and i.pk not in collecting]),
            "statement": selectors.statement_for(council=council, run=months[0]) if months else None,
            "months": months,
            "this_month": today.replace(day=1),
            "next_settlement": next_settlement(today),
        }
    }


def _overdue(invoices: list["InvoiceWithBalance"], today: date) -> list[Overdue]:
    """Most overdue first."""
    return [Overdue(i, (today - i.due_date).days) for i in invoices if i.due_date < today and i.outstanding > 0]


def next_settlement(today: date) -> date:
    """The day the next settlement runs (the 1st of next month, for the month before)."""
    return next_month(today.replace(day=1))
