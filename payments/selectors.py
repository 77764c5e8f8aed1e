"""Reads for finance: statements, netting for a run, report rows. Joins done; sums in the database."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from bookings.models import Timesheet, TimesheetStatus
from councils.models import Council

from .models import CreditNote, Invoice, InvoiceLine, InvoiceStatus, Payment, SettlementRun
from .netting import Transfer, net_positions, netting_plan
from .settlement import next_month

if TYPE_CHECKING:
    from .models import InvoiceWithBalance

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _sum_of(model, field="amount"):
    rows = model.objects.filter(invoice=OuterRef("pk")).values("invoice").annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(rows, output_field=DecimalField(max_digits=12, decimal_places=2)), ZERO)


def invoices_with_balance() -> QuerySet["InvoiceWithBalance"]:
    return Invoice.objects.select_related("supplier", "customer", "run").annotate(
        paid=_sum_of(Payment), credited=_sum_of(CreditNote)
    )


@dataclass
class Statement:
    """A council's invoices for one settlement month, and what is still outstanding on them.

    Receivable and payable are what is still owed (gross, less payments, less credit notes), so the net
    position changes as soon as anything is paid or credited; invoiced totals are kept beside them."""

    council: Council
    run: SettlementRun
    issued: list["InvoiceWithBalance"]
    received: list["InvoiceWithBalance"]

    @property
    def receivable(self) -> Decimal:
        return sum((i.outstanding for i in self.issued), Decimal("0.00"))

    @property
    def payable(self) -> Decimal:
        return sum((i.outstanding for i in self.received), Decimal("0.00"))

    @property
    def net(self) -> Decimal:
        return self.receivable - self.payable

    @property
    def net_owed(self) -> Decimal:
        """What the council owes, as a positive amount, when its net position is negative."""
        return -self.net

    @property
    def invoiced_out(self) -> Decimal:
        return sum((i.gross.amount for i in self.issued), Decimal("0.00"))

    @property
    def invoiced_in(self) -> Decimal:
        return sum((i.gross.amount for i in self.received), Decimal("0.00"))


def statement_for(*, council: Council, run: SettlementRun) -> Statement:
    invoices = list(invoices_with_balance().filter(run=run).filter(Q(supplier=council) | Q(customer=council)))
    return Statement(
        council=council,
        run=run,
        issued=[i for i in invoices if i.supplier_id == council.pk],
        received=[i for i in invoices if i.customer_id == council.pk],
    )


@dataclass
class Netting:
    """The netting plan for what is still outstanding on a month's invoices.

    `invoices` are the open ones the plan clears (a settled invoice is never among them); `gross_payments`
    and `gross_amount` are what paying each of them separately would take."""

    positions: dict[int, Decimal]
    plan: list[Transfer]
    invoices: list[tuple[str, int, int, Decimal]]  # (number, customer, supplier, outstanding)
    councils: dict[int, Council]

    @property
    def gross_payments(self) -> int:
        return len(self.invoices)

    @property
    def gross_amount(self) -> Decimal:
        return sum((amount for _n, _c, _s, amount in self.invoices), Decimal("0.00"))

    @property
    def net_amount(self) -> Decimal:
        return sum((t.amount for t in self.plan), Decimal("0.00"))

    @property
    def transfers_saved(self) -> int:
        return self.gross_payments - len(self.plan)

    @property
    def money_saved(self) -> Decimal:
        return self.gross_amount - self.net_amount

    def transfers_for(self, council: Council) -> list[Transfer]:
        """Only the transfers the council pays or receives: a council never sees others' dealings."""
        return [t for t in self.plan if council.pk in (t.payer, t.payee)]

    def rows(self, transfers: list[Transfer] | None = None) -> list[tuple[Council, Council, Decimal]]:
        return [
            (self.councils[t.payer], self.councils[t.payee], t.amount)
            for t in (self.plan if transfers is None else transfers)
        ]


def netting_for(*, run: SettlementRun) -> Netting:
    """Net positions and the plan from each open invoice's outstanding balance (gross less payments less
    credit notes, summed in the database)."""
    open_invoices = [
        (i.number, i.customer_id, i.supplier_id, i.outstanding)
        for i in invoices_with_balance().filter(run=run).order_by("number")
        if i.outstanding > 0
    ]
    positions = net_positions([(customer, supplier, amount) for _n, customer, supplier, amount in open_invoices])
    return Netting(
        positions=positions,
        plan=netting_plan(positions),
        invoices=open_invoices,
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
    """The council's own specialists' hours for other councils that became payable in `period`: confirmed
    (by the officer or automatically) or agreed after a dispute in that month, UK time. Each timesheet is
    payable once, so it is in exactly one payroll period, whatever week it was for."""
    end = next_month(period)
    return (
        Timesheet.objects.filter(week__booking__supplier_council=council)
        .filter(
            Q(status=TimesheetStatus.CONFIRMED, confirmed_at__date__gte=period, confirmed_at__date__lt=end)
            | Q(status=TimesheetStatus.RESOLVED, resolved_at__date__gte=period, resolved_at__date__lt=end)
        )
        .select_related("week__booking__profile__user", "week__booking__customer_council")
        .order_by("week__booking__profile__user__full_name", "week__week_start")
    )


def settlement_runs() -> QuerySet[SettlementRun]:
    """Every run, newest month first, with how many invoices it issued and their total (in the database)."""
    return (
        SettlementRun.objects.select_related("requested_by")
        .annotate(invoice_count=Count("invoices"), invoice_total=Coalesce(Sum("invoices__gross"), ZERO))
        .order_by("-period")
    )


def invoices_open(*, council_id: int) -> QuerySet["InvoiceWithBalance"]:
    """The council's invoices not yet paid, issued or received, with their balances, soonest due first."""
    return (
        invoices_with_balance()
        .filter(status=InvoiceStatus.ISSUED)
        .filter(Q(supplier_id=council_id) | Q(customer_id=council_id))
        .order_by("due_date", "number")
    )


def settlement_runs_settled() -> QuerySet[SettlementRun]:
    """Months settled at least once (their invoices, statements and reports exist), newest first."""
    return SettlementRun.objects.filter(completed_at__isnull=False).order_by("-period")
