"""Monthly settlement: invoices between councils (never edited), credit notes, payments, number series."""

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from djmoney.models.fields import MoneyField

from audit.transitions import Moves
from core.triggers import AppendOnly, Frozen
from councils.models import RechargeVat

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations


class NumberSeries(models.Model):
    """The last number used per council, document kind and year. Locked while a number is taken, in the
    same transaction as the document, so numbers are gapless."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=3)  # INV or CN
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["council", "kind", "year"], name="number_series_once")]

    def __str__(self) -> str:
        return f"{self.council_id} {self.kind} {self.year}: {self.last}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


# A settlement run is queued by platform staff, run by the worker, and ends completed or failed; any
# ended run may be queued or run again (it invoices only what has become billable since), and a run
# queued or running for longer than settlement.STALE_AFTER may be queued again (its worker died).
RUN_MOVES = Moves.of(
    "status",
    {
        RunStatus.QUEUED: {RunStatus.RUNNING},
        RunStatus.RUNNING: {RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.QUEUED},
        RunStatus.COMPLETED: {RunStatus.QUEUED, RunStatus.RUNNING},
        RunStatus.FAILED: {RunStatus.QUEUED, RunStatus.RUNNING},
    },
)


class SettlementRun(models.Model):
    period = models.DateField(unique=True)  # the first day of the month settled
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )  # empty when run by beat or the command
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-period"]
        triggers = [RUN_MOVES.trigger("settlement_run_status_moves")]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="run_period_is_first_of_month"),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="run_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Settlement for {self.period:%B %Y}"

    @property
    def is_busy(self) -> bool:
        """Queued or running: staff wait for it to finish."""
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def has_failed(self) -> bool:
        return self.status == RunStatus.FAILED


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", "Issued"
    PAID = "paid", "Paid"


class Agreement(models.TextChoices):
    """The customer's answer in the agreement of balances."""

    UNANSWERED = "unanswered", "Not yet confirmed"
    CONFIRMED = "confirmed", "Confirmed by the customer"
    DISPUTED = "disputed", "Disputed by the customer"


# An invoice is paid when payments and credit notes clear it; neither can be undone (both are append-only).
INVOICE_MOVES = Moves.of("status", {InvoiceStatus.ISSUED: {InvoiceStatus.PAID}})

# The customer's answer: a dispute may be re-stated or settled by confirming; a confirmed invoice stays
# confirmed (a problem found later is put right with a credit note).
AGREEMENT_MOVES = Moves.of(
    "agreement",
    {
        Agreement.UNANSWERED: {Agreement.CONFIRMED, Agreement.DISPUTED},
        Agreement.DISPUTED: {Agreement.CONFIRMED, Agreement.DISPUTED},
    },
)


class Invoice(models.Model):
    number = models.CharField(max_length=20, unique=True)
    run = models.ForeignKey(SettlementRun, on_delete=models.PROTECT, related_name="invoices")
    supplier = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="invoices_issued")
    customer = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="invoices_received")
    issue_date = models.DateField()
    due_date = models.DateField()
    net = MoneyField(max_digits=12, decimal_places=2, default_currency="GBP")
    vat = MoneyField(max_digits=12, decimal_places=2, default_currency="GBP")
    gross = MoneyField(max_digits=12, decimal_places=2, default_currency="GBP")
    # The supplier's VAT on recharges when the invoice was issued (its setting may change later).
    vat_treatment = models.CharField(max_length=15, choices=RechargeVat.choices, default=RechargeVat.OUTSIDE_SCOPE)
    supplier_vat_number = models.CharField(max_length=14, blank=True)  # as registered when issued
    status = models.CharField(max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED)
    created_at = models.DateTimeField(default=timezone.now)
    agreement = models.CharField(max_length=10, choices=Agreement.choices, default=Agreement.UNANSWERED)
    agreement_note = models.TextField(blank=True)
    agreement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreement_at = models.DateTimeField(null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)

    objects = models.Manager()  # declared: django-money subclasses it at run time, out of mypy's sight

    class Meta:
        ordering = ["-issue_date", "number"]
        triggers = [
            INVOICE_MOVES.trigger("invoice_status_moves"),
            AGREEMENT_MOVES.trigger("invoice_agreement_moves"),
            # its status, answer and reminder time may move; what it says may not
            Frozen(
                name="invoice_frozen",
                fields=[
                    "number",
                    "run",
                    "supplier",
                    "customer",
                    "issue_date",
                    "due_date",
                    "net",
                    "net_currency",
                    "vat",
                    "vat_currency",
                    "gross",
                    "gross_currency",
                    "vat_treatment",
                    "supplier_vat_number",
                ],  # fmt: skip
                message="invoice % is issued and cannot be changed: issue a credit note",
                label_field="number",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(supplier=models.F("customer")), name="invoice_between_two_councils"),
            models.CheckConstraint(
                condition=Q(gross=models.F("net") + models.F("vat")), name="invoice_gross_is_net_plus_vat"
            ),
            # No invoice for nothing: weeks with no billable amount are settled without a number.
            models.CheckConstraint(condition=Q(gross__gt=0), name="invoice_gross_positive"),
            models.CheckConstraint(
                condition=Q(vat_treatment__in=RechargeVat.values), name="invoice_vat_treatment_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.status == InvoiceStatus.PAID

    @property
    def can_record_payment(self) -> bool:
        return INVOICE_MOVES.can(self.status, InvoiceStatus.PAID)

    @property
    def can_answer(self) -> bool:
        return AGREEMENT_MOVES.can(self.agreement, Agreement.CONFIRMED)

    @property
    def outstanding(self) -> Decimal:
        """Gross less payments and credits; needs the `paid` and `credited` annotations of the selector."""
        annotated = cast("InvoiceWithBalance", self)
        return self.gross.amount - annotated.paid - annotated.credited


if TYPE_CHECKING:

    class Balance(TypedDict):
        """What payments.selectors.invoices_with_balance annotates on an invoice; `outstanding` reads it."""

        paid: Decimal
        credited: Decimal

    InvoiceWithBalance = WithAnnotations[Invoice, Balance]


class InvoiceLine(models.Model):
    """One confirmed booking week. A timesheet is billed once: the database says so."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    timesheet = models.OneToOneField("bookings.Timesheet", on_delete=models.PROTECT, related_name="invoice_line")
    booking_reference = models.CharField(max_length=20)
    specialist = models.CharField(max_length=150)
    week_start = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    rate = MoneyField(max_digits=8, decimal_places=2, default_currency="GBP")
    net = MoneyField(max_digits=10, decimal_places=2, default_currency="GBP")
    vat = MoneyField(max_digits=10, decimal_places=2, default_currency="GBP")
    gross = MoneyField(max_digits=10, decimal_places=2, default_currency="GBP")
    po_number = models.CharField(max_length=40, blank=True)
    cost_centre = models.CharField(max_length=40, blank=True)

    objects = models.Manager()  # declared: django-money subclasses it at run time, out of mypy's sight

    class Meta:
        ordering = ["week_start", "id"]
        triggers = [AppendOnly(name="invoice_line_append_only", what="an invoice line")]
        constraints = [
            models.CheckConstraint(
                condition=Q(gross=models.F("net") + models.F("vat")), name="line_gross_is_net_plus_vat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.specialist} {self.week_start}"


class CreditNote(models.Model):
    """A correction to an issued invoice, which itself never changes."""

    number = models.CharField(max_length=20, unique=True)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    amount = MoneyField(max_digits=12, decimal_places=2, default_currency="GBP")  # gross amount credited
    reason = models.TextField()
    issue_date = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = models.Manager()  # declared: django-money subclasses it at run time, out of mypy's sight

    class Meta:
        ordering = ["issue_date", "number"]
        triggers = [AppendOnly(name="credit_note_append_only", what="a credit note")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_positive")]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """Money received against an invoice, recorded by finance (append-only)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(max_digits=12, decimal_places=2, default_currency="GBP")
    paid_on = models.DateField()
    reference = models.CharField(max_length=60)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = models.Manager()  # declared: django-money subclasses it at run time, out of mypy's sight

    class Meta:
        ordering = ["paid_on", "id"]
        triggers = [AppendOnly(name="payment_append_only", what="a payment")]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice}"


class StripeEvent(models.Model):
    """Every webhook delivery: valid events once each (by Stripe's event id), bad signatures recorded."""

    event_id = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=100, blank=True)
    signature_valid = models.BooleanField()
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="stripe_events")
    outcome = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["event_id"], condition=~Q(event_id=""), name="stripe_event_once"),
        ]

    def __str__(self) -> str:
        return self.event_id or f"rejected delivery at {self.received_at}"
