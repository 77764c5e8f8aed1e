"""The monthly settlement run: confirmed hours become invoices between councils.

`settlement_run` is idempotent and crash-safe: each (supplier, customer) invoice is made with its lines
and its number in one transaction, so a run killed half-way leaves whole invoices or none, and the next
run invoices what is left. Timesheets are locked and marked as they are billed (and a unique index
bills a timesheet once), so two concurrent runs produce each line once.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from bookings.models import Timesheet, TimesheetStatus
from councils.models import Council, RechargeVat

from .models import Invoice, InvoiceLine, NumberSeries, SettlementRun

PENNY = Decimal("0.01")
VAT_RATE = {RechargeVat.OUTSIDE_SCOPE: Decimal("0"), RechargeVat.STANDARD: Decimal("0.20")}


class SettlementError(Exception):
    pass


def money(amount: Decimal) -> Money:
    return Money(amount.quantize(PENNY, rounding=ROUND_HALF_UP), "GBP")


def month_start(text_or_date) -> date:
    if isinstance(text_or_date, date):
        return text_or_date.replace(day=1)
    try:
        year, month = (int(p) for p in str(text_or_date).split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise SettlementError(f"“{text_or_date}” is not a month: use YYYY-MM, like 2026-11") from exc


def next_month(period: date) -> date:
    return (period + timedelta(days=32)).replace(day=1)


def number_take(*, council: Council, kind: str, year: int) -> str:
    """The next gapless number in the council's series (call inside the document's transaction)."""
    series, _created = NumberSeries.objects.select_for_update().get_or_create(council=council, kind=kind, year=year)
    series.last += 1
    series.save(update_fields=["last"])
    prefix = council.code if kind == "INV" else f"{council.code}-CN"
    return f"{prefix}-{year}-{series.last:05d}"


def _billable(period: date):
    """Confirmed or agreed hours, not yet invoiced, for weeks starting before the end of `period` (weeks
    confirmed late fall into the next run)."""
    return Timesheet.objects.filter(
        status__in=[TimesheetStatus.CONFIRMED, TimesheetStatus.RESOLVED],
        invoiced_at__isnull=True,
        week__week_start__lt=next_month(period),
    )


@dataclass
class RunResult:
    run: SettlementRun
    invoices: list[Invoice] = field(default_factory=list)


def settlement_run(*, period, today: date | None = None) -> RunResult:
    period = month_start(period)
    today = today or timezone.localdate()
    if next_month(period) > today:
        raise SettlementError(f"{period:%B %Y} has not ended yet, so it cannot be settled")
    run, _created = SettlementRun.objects.get_or_create(period=period)
    result = RunResult(run=run)
    pairs = set(
        _billable(period).values_list("week__booking__supplier_council_id", "week__booking__customer_council_id")
    )
    for supplier_id, customer_id in sorted(pairs):
        invoice = _invoice_pair(run=run, period=period, supplier_id=supplier_id, customer_id=customer_id, today=today)
        if invoice is not None:
            result.invoices.append(invoice)
    if run.completed_at is None:
        run.completed_at = timezone.now()
        run.save(update_fields=["completed_at"])
    return result


@transaction.atomic
def _invoice_pair(*, run, period, supplier_id, customer_id, today) -> Invoice | None:
    supplier = Council.objects.get(pk=supplier_id)
    customer = Council.objects.get(pk=customer_id)
    # Lock this pair's billable timesheets; a concurrent run waits here, then finds them invoiced.
    timesheets = list(
        _billable(period)
        .filter(week__booking__supplier_council=supplier, week__booking__customer_council=customer)
        .select_for_update(of=("self",))
        .select_related("week__booking__profile__user")
        .order_by("week__week_start", "pk")
    )
    if not timesheets:
        return None
    rate_vat = VAT_RATE[supplier.recharge_vat]
    lines = []
    for t in timesheets:
        booking = t.week.booking
        hours = t.billable_hours
        net = money(hours * booking.hourly_rate.amount)
        vat = money(net.amount * rate_vat)
        lines.append(
            InvoiceLine(
                timesheet=t,
                booking_reference=f"B{booking.pk:06d}",
                specialist=booking.profile.user.full_name,
                week_start=t.week.week_start,
                hours=hours,
                rate=booking.hourly_rate,
                net=net,
                vat=vat,
                gross=money(net.amount + vat.amount),
                po_number=booking.po_number,
                cost_centre=booking.cost_centre,
            )
        )
    net = sum((line.net.amount for line in lines), Decimal("0"))
    vat = sum((line.vat.amount for line in lines), Decimal("0"))
    invoice = Invoice.objects.create(
        number=number_take(council=supplier, kind="INV", year=today.year),
        run=run,
        supplier=supplier,
        customer=customer,
        issue_date=today,
        due_date=today + timedelta(days=customer.payment_terms_days or 30),
        net=money(net),
        vat=money(vat),
        gross=money(net + vat),
    )
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    Timesheet.objects.filter(pk__in=[t.pk for t in timesheets]).update(invoiced_at=timezone.now())
    return invoice
