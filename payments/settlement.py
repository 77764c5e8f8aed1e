"""The monthly settlement run: confirmed hours become invoices between councils.

Weeks with nothing to bill (0 hours, or a £0 rate) are marked settled with no invoice line, and a pair
of councils with nothing to bill gets no invoice and takes no number. Each invoice keeps the VAT
treatment and VAT number its supplier had when it was issued, and its customer's finance team is e-mailed.

`settlement_run` is idempotent and crash-safe: each (supplier, customer) invoice is made with its lines
and its number in one transaction, so a run killed half-way leaves whole invoices or none, and the next
run invoices what is left. Timesheets are locked and marked as they are billed (and a unique index
bills a timesheet once), so two concurrent runs produce each line once.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from djmoney.money import Money

from audit.services import audit_record, audit_record_many
from audit.transitions import StateMachine
from bookings.models import Timesheet, TimesheetStatus
from core.errors import DomainError
from core.queue import task_queue
from councils.models import Council, RechargeVat, VatStatus

from .emails import finance_recipients, invoice_issued_tell
from .models import RUN_MOVES, Invoice, InvoiceLine, NumberSeries, RunStatus, SettlementRun

PENNY = Decimal("0.01")
PAIRS_PER_TRANSACTION = 200
VAT_RATE = {RechargeVat.OUTSIDE_SCOPE: Decimal("0"), RechargeVat.STANDARD: Decimal("0.20")}


class SettlementError(DomainError):
    pass


def money(amount: Decimal) -> Money:
    return Money(amount.quantize(PENNY, rounding=ROUND_HALF_UP), "GBP")


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the months the service can have settled (and whose next month exists)


def month_start(text_or_date) -> date:
    if isinstance(text_or_date, date):
        return text_or_date.replace(day=1)
    try:
        year, month = (int(p) for p in str(text_or_date).split("-"))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(year)
        return date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise SettlementError(f"“{text_or_date}” is not a month: use YYYY-MM, like 2026-11") from exc


def next_month(period: date) -> date:
    return (period + timedelta(days=32)).replace(day=1)


def months_back(today: date, *, count: int, include_current: bool = False) -> list[date]:
    """The first days of the `count` months before `today`'s (or ending with it), newest first."""
    first = today.replace(day=1)
    months = [first] if include_current else []
    while len(months) < count:
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


def number_block(*, council: Council, kind: str, year: int, count: int) -> list[str]:
    """The next `count` gapless numbers in the council's series (call inside the documents' transaction)."""
    series, _created = NumberSeries.objects.select_for_update().get_or_create(council=council, kind=kind, year=year)
    first = series.last + 1
    series.last += count
    series.save(update_fields=["last"])
    prefix = council.code if kind == "INV" else f"{council.code}-CN"
    return [f"{prefix}-{year}-{n:05d}" for n in range(first, series.last + 1)]


def number_take(*, council: Council, kind: str, year: int) -> str:
    return number_block(council=council, kind=kind, year=year, count=1)[0]


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


def settlement_check_ended(*, period: date, today: date) -> None:
    if next_month(period) > today:
        raise SettlementError(f"{period:%B %Y} has not ended yet, so it cannot be settled")


# A run's moves are recorded by its own timestamps (queued_at, started_at, completed_at) and error.
run_machine: StateMachine[SettlementRun] = StateMachine(
    moves=RUN_MOVES, labels=RunStatus, error=SettlementError, noun="This settlement"
)

STALE_AFTER = timedelta(hours=2)  # a run queued or running this long is taken to have died with its worker


@transaction.atomic
def settlement_request(*, period: date, by, today: date | None = None) -> SettlementRun:
    """Platform staff queue the settlement of a month that has ended; the run happens on Celery.

    Refused: a month not yet ended, and a month already queued or running (unless it has been so for
    longer than STALE_AFTER, when its worker is taken to have died). A month already settled may be run
    again: it invoices only what has become billable since."""
    period = month_start(period)
    settlement_check_ended(period=period, today=today or timezone.localdate())
    _run, created = SettlementRun.objects.get_or_create(period=period, defaults={"status": RunStatus.QUEUED})
    run = SettlementRun.objects.select_for_update().get(period=period)
    last_moved = max(run.queued_at or run.started_at, run.started_at)
    busy = run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and last_moved > timezone.now() - STALE_AFTER
    if busy and not created:
        raise SettlementError(f"{period:%B %Y} is already {run.get_status_display().lower()}: wait for it to finish")
    if run.status != RunStatus.QUEUED:
        run_machine.move(run, to=RunStatus.QUEUED)
    run.queued_at = timezone.now()
    run.requested_by = by
    run.error = ""
    run.save(update_fields=["status", "queued_at", "requested_by", "error"])
    audit_record(
        actor=by, action="settlement.requested", obj=run, councils=[], after={"period": period}, label=str(run)
    )
    transaction.on_commit(lambda: _queue_run(period))
    return run


def _queue_run(period: date) -> None:
    task_queue("payments.tasks.settle_month", period.isoformat())


def settlement_run(*, period, today: date | None = None) -> RunResult:
    """Settle `period` (any month that has ended): invoice every billable week not yet invoiced.

    The run's status moves to running, then completed (or failed, with the error, if anything raises)."""
    period = month_start(period)
    today = today or timezone.localdate()
    settlement_check_ended(period=period, today=today)
    run, _created = SettlementRun.objects.get_or_create(period=period)
    this_run = SettlementRun.objects.filter(pk=run.pk)
    run_machine.move_many(this_run, to=RunStatus.RUNNING, started_at=timezone.now(), error="")
    # The end is recorded only if this run is still the one running: staff may have queued the month again
    # meanwhile (a run that looked stale), and that queued run then records its own end.
    still_running = this_run.filter(status=RunStatus.RUNNING)
    try:
        result = _settle(run=run, period=period, today=today)
    except Exception as exc:
        run_machine.move_many(still_running, to=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    run_machine.move_many(still_running, to=RunStatus.COMPLETED, completed_at=timezone.now())
    run.refresh_from_db()
    return result


def _settle(*, run: SettlementRun, period: date, today: date) -> RunResult:
    result = RunResult(run=run)
    # One read groups every billable timesheet by (supplier, customer); each pair is then invoiced in its
    # own transaction, locking just its timesheets by primary key.
    by_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
    rows = _billable(period).values_list(
        "pk", "week__booking__supplier_council_id", "week__booking__customer_council_id"
    )
    for pk, supplier_id, customer_id in rows.iterator(chunk_size=10000):
        by_pair[(supplier_id, customer_id)].append(pk)
    councils = Council.objects.in_bulk({c for pair in by_pair for c in pair})
    pairs = sorted(by_pair.items())
    for i in range(0, len(pairs), PAIRS_PER_TRANSACTION):
        batch = [(supplier, customer, ids) for (supplier, customer), ids in pairs[i : i + PAIRS_PER_TRANSACTION]]
        result.invoices += _invoice_batch(run=run, batch=batch, councils=councils, today=today)
    return result


class _Billable(NamedTuple):
    """One billable timesheet, as settlement reads it."""

    pk: int
    status: str
    hours_worked: Decimal
    agreed_hours: Decimal | None
    week_start: date
    booking_id: int
    rate: Decimal
    po_number: str
    cost_centre: str
    specialist: str

    @property
    def hours(self) -> Decimal:
        """What is billed: the hours confirmed, or those agreed after a dispute (Timesheet.billable_hours)."""
        if self.status == TimesheetStatus.RESOLVED:
            assert self.agreed_hours is not None  # the database says so (timesheet_resolved_has_hours)
            return self.agreed_hours
        return self.hours_worked


# What settlement reads of a timesheet, in _Billable's field order (a NamedTuple holds fields only).
_BILLABLE_COLUMNS = (
    "pk",
    "status",
    "hours_worked",
    "agreed_hours",
    "week__week_start",
    "week__booking_id",
    "week__booking__hourly_rate",
    "week__booking__po_number",
    "week__booking__cost_centre",
    "week__booking__profile__user__full_name",
)


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@transaction.atomic
def _invoice_batch(*, run, batch, councils, today) -> list[Invoice]:
    """Invoice several (supplier, customer) pairs in one transaction: whole invoices or none."""
    all_ids = sorted(pk for _s, _c, ids in batch for pk in ids)
    # Lock in primary-key order (so concurrent runs cannot deadlock); a concurrent run waits here, then
    # finds the rows invoiced, as the condition on invoiced_at is re-checked on locked rows.
    # Plain rows, not model instances: a year's settlement reads ~100,000 of them (benchmarks/README.md).
    locked = {
        row.pk: row
        for row in map(
            _Billable._make,
            Timesheet.objects.filter(pk__in=all_ids, invoiced_at__isnull=True)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list(*_BILLABLE_COLUMNS),
        )
    }
    plan = []
    for supplier_id, customer_id, ids in batch:
        # A week with nothing to bill is settled (invoiced_at, below) but never put on an invoice.
        rows = sorted(
            (locked[pk] for pk in ids if pk in locked and _pennies(locked[pk].hours * locked[pk].rate) > 0),
            key=lambda r: (r.week_start, r.pk),
        )
        if rows:
            plan.append((councils[supplier_id], councils[customer_id], rows))
    numbers = {}
    for supplier in sorted({p[0] for p in plan}, key=lambda c: c.pk):
        count = sum(1 for p in plan if p[0] is supplier)
        numbers[supplier.pk] = iter(number_block(council=supplier, kind="INV", year=today.year, count=count))
    invoices, lines_of = [], []
    for supplier, customer, rows in plan:
        treatment = supplier.recharge_vat
        rate_vat = VAT_RATE[treatment]
        lines = []
        for r in rows:
            hours = r.hours
            net = _pennies(hours * r.rate)
            vat = _pennies(net * rate_vat)
            lines.append(
                InvoiceLine(
                    timesheet_id=r.pk,
                    booking_reference=f"B{r.booking_id:06d}",
                    specialist=r.specialist,
                    week_start=r.week_start,
                    hours=hours,
                    rate=Money(r.rate, "GBP"),
                    net=Money(net, "GBP"),
                    vat=Money(vat, "GBP"),
                    gross=Money(net + vat, "GBP"),
                    po_number=r.po_number,
                    cost_centre=r.cost_centre,
                )
            )
        net = sum((line.net.amount for line in lines), Decimal("0"))
        vat = sum((line.vat.amount for line in lines), Decimal("0"))
        invoices.append(
            Invoice(
                number=next(numbers[supplier.pk]),
                run=run,
                supplier=supplier,
                customer=customer,
                issue_date=today,
                due_date=today + timedelta(days=customer.payment_terms_days or 30),
                net=money(net),
                vat=money(vat),
                gross=money(net + vat),
                vat_treatment=treatment,
                supplier_vat_number=supplier.vat_number if supplier.vat_status == VatStatus.REGISTERED else "",
            )
        )
        lines_of.append(lines)
    Invoice.objects.bulk_create(invoices)
    for invoice, lines in zip(invoices, lines_of, strict=True):
        for line in lines:
            line.invoice = invoice
    InvoiceLine.objects.bulk_create([line for lines in lines_of for line in lines], batch_size=2000)
    Timesheet.objects.filter(pk__in=list(locked)).update(invoiced_at=timezone.now())
    audit_record_many(
        {
            "actor": None,
            "action": "invoice.issued",
            "obj": invoice,
            "councils": [invoice.supplier_id, invoice.customer_id],
            "after": {"gross": invoice.gross, "due_date": invoice.due_date, "lines": len(lines)},
            "label": f"Invoice {invoice.number}",
        }
        for invoice, lines in zip(invoices, lines_of, strict=True)
    )
    recipients = finance_recipients({invoice.customer_id: invoice.customer for invoice in invoices}.values())
    for invoice in invoices:
        invoice_issued_tell(invoice=invoice, recipients=recipients)
    return invoices
