"""Reads for finance: statements, netting for a run, report rows. Joins done; sums in the database."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bookings.models import Timesheet, TimesheetStatus
from councils.models import Council

from .models import CreditNote, Invoice, InvoiceLine, Payment, SettlementRun
from .netting import Transfer, net_positions, netting_plan
from .settlement import next_month

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _sum_of(model, field="amount"):
    rows = model.objects.filter(invoice=OuterRef("pk")).values("invoice").annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(rows, output_field=DecimalField(max_digits=12, decimal_places=2)), ZERO)


def invoices_with_balance() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("supplier", "customer", "run").annotate(
        paid=_sum_of(Payment), credited=_sum_of(CreditNote)
    )


@dataclass
class Statement:
    council: Council
    run: SettlementRun
    issued: list[Invoice]
    received: list[Invoice]
    receivable: Decimal
    payable: Decimal

    @property
    def net(self) -> Decimal:
        return self.receivable - self.payable


def statement_for(*, council: Council, run: SettlementRun) -> Statement:
    invoices = list(
        invoices_with_balance().filter(run=run).filter(supplier=council)
        | invoices_with_balance().filter(run=run, customer=council)
    )
    issued = [i for i in invoices if i.supplier_id == council.pk]
    received = [i for i in invoices if i.customer_id == council.pk]
    return Statement(
        council=council,
        run=run,
        issued=issued,
        received=received,
        receivable=sum((i.gross.amount for i in issued), Decimal("0")),
        payable=sum((i.gross.amount for i in received), Decimal("0")),
    )


@dataclass
class Netting:
    positions: dict[int, Decimal]
    plan: list[Transfer]
    gross_payments: int
    gross_amount: Decimal
    councils: dict[int, Council]

    @property
    def net_amount(self) -> Decimal:
        return sum((t.amount for t in self.plan), Decimal("0"))


def netting_for(*, run: SettlementRun) -> Netting:
    invoices = list(Invoice.objects.filter(run=run).values_list("customer_id", "supplier_id", "gross"))
    positions = net_positions(invoices)
    return Netting(
        positions=positions,
        plan=netting_plan(positions),
        gross_payments=len(invoices),
        gross_amount=sum((g for _c, _s, g in invoices), Decimal("0")),
        councils=Council.objects.in_bulk(list(positions)),
    )


def settlement_lines(*, council: Council, run: SettlementRun) -> QuerySet[InvoiceLine]:
    """One row per invoice line of the run where the council is supplier or customer."""
    return (
        InvoiceLine.objects.filter(invoice__run=run)
        .filter(Q(invoice__supplier=council) | Q(invoice__customer=council))
        .select_related("invoice__supplier", "invoice__customer")
        .order_by("invoice__number", "week_start", "pk")
    )


def payroll_rows(*, council: Council, period: date) -> QuerySet[Timesheet]:
    """The council's own specialists' confirmed hours for other councils, for weeks starting in `period`."""
    return (
        Timesheet.objects.filter(
            week__booking__supplier_council=council,
            status__in=[TimesheetStatus.CONFIRMED, TimesheetStatus.RESOLVED],
            week__week_start__gte=period,
            week__week_start__lt=next_month(period),
        )
        .select_related("week__booking__profile__user", "week__booking__customer_council")
        .order_by("week__booking__profile__user__full_name", "week__week_start")
    )
