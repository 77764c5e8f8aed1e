"""Payments, credit notes and the agreement of balances. Issued invoices never change: money moves as
append-only payments and credit notes, and a balance is always a sum."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from djmoney.money import Money

from audit.services import audit_record
from audit.transitions import StateMachine
from core.errors import DomainError
from core.money import PENNY, amount_problem, money_format
from councils.models import Role, User

from .emails import (
    credit_note_issued_tell,
    finance_recipients,
    invoice_answered_tell,
    invoice_overdue_tell,
    payment_recorded_tell,
)
from .models import AGREEMENT_MOVES, INVOICE_MOVES, Agreement, CreditNote, Invoice, InvoiceStatus, Payment
from .selectors import invoices_with_balance
from .settlement import number_take


class PaymentError(DomainError):
    """A refused finance move; the message is shown to the person."""


def invoice_balance(invoice: Invoice) -> Decimal:
    """What the customer still owes: gross, less credit notes, less payments."""
    credited = invoice.credit_notes.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    paid = invoice.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    return invoice.gross.amount - credited - paid


def _amount(amount: Decimal) -> Decimal:
    if problem := amount_problem(amount):
        raise PaymentError(problem)
    return amount.quantize(PENNY)


def _require_finance(user: User, council_id: int, what: str) -> None:
    if user.council_id != council_id or not user.has_role(Role.FINANCE_OFFICER):
        raise PaymentError(f"Only a finance officer of the {what} council can do this")


def invoice_locked(invoice: Invoice) -> Invoice:
    """The invoice, locked for the rest of the transaction (payments and credits read its balance)."""
    return Invoice.objects.select_for_update().select_related("supplier", "customer").get(pk=invoice.pk)


def _audit(*, invoice: Invoice, action: str, by: User | None, before: dict, after: dict, note: str = "") -> None:
    audit_record(
        actor=by,
        action=f"invoice.{action}",
        obj=invoice,
        councils=[invoice.supplier_id, invoice.customer_id],
        before=before,
        after=after,
        note=note,
        label=f"Invoice {invoice.number}",
    )


# The invoice's own event (payment recorded, credit note issued, answered) records these moves.
invoice_machine: StateMachine[Invoice] = StateMachine(
    moves=INVOICE_MOVES, labels=InvoiceStatus, error=PaymentError, noun="This invoice"
)
agreement_machine: StateMachine[Invoice] = StateMachine(
    moves=AGREEMENT_MOVES,
    labels=Agreement,
    error=PaymentError,
    noun="This invoice",
    refusal=lambda invoice, current, to: (
        f"You have already confirmed invoice {invoice.number}. "
        f"If something is wrong, ask {invoice.supplier.short_name} for a credit note."
    ),
)


def _settle_if_cleared(invoice: Invoice) -> None:
    if invoice_balance(invoice) == 0 and invoice.status != InvoiceStatus.PAID:
        invoice_machine.move(invoice, to=InvoiceStatus.PAID)
        invoice.save(update_fields=["status"])


@transaction.atomic
def payment_record(*, invoice: Invoice, by: User, amount: Decimal, paid_on: date, reference: str) -> Payment:
    """The supplier's finance officer records money received. A payment above what is owed is refused:
    issue a credit note or refund instead."""
    invoice = invoice_locked(invoice)
    _require_finance(by, invoice.supplier_id, "supplying")
    amount = _amount(amount)
    if not reference.strip():
        raise PaymentError("Enter the payment reference from the bank statement")
    if paid_on > timezone.localdate():
        raise PaymentError("The payment date cannot be in the future")
    return payment_add(invoice=invoice, amount=amount, paid_on=paid_on, reference=reference.strip(), by=by)


def payment_add(*, invoice: Invoice, amount: Decimal, paid_on: date, reference: str, by: User | None) -> Payment:
    """Money received on a locked invoice (`invoice_locked`), from a person or from Stripe's webhook (by None)."""
    balance = invoice_balance(invoice)
    if amount > balance:
        raise PaymentError(f"That is more than the {money_format(balance)} outstanding on {invoice.number}")
    before = {"status": invoice.status, "outstanding": balance}
    payment = Payment.objects.create(
        invoice=invoice, amount=Money(amount, "GBP"), paid_on=paid_on, reference=reference, recorded_by=by
    )
    _settle_if_cleared(invoice)
    outstanding = invoice_balance(invoice)
    _audit(
        invoice=invoice,
        action="payment_recorded",
        by=by,
        before=before,
        after={"status": invoice.status, "outstanding": outstanding, "payment": amount},
        note=f"Paid {paid_on:%-d %B %Y}, reference {reference}",
    )
    payment_recorded_tell(payment=payment, outstanding=outstanding)
    return payment


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, by: User, amount: Decimal, reason: str) -> CreditNote:
    invoice = invoice_locked(invoice)
    _require_finance(by, invoice.supplier_id, "supplying")
    amount = _amount(amount)
    if not reason.strip():
        raise PaymentError("Enter the reason for the credit note")
    if amount > invoice_balance(invoice):
        raise PaymentError(
            f"A credit note cannot be more than the {money_format(invoice_balance(invoice))} outstanding"
        )
    today = timezone.localdate()
    before = {"status": invoice.status, "outstanding": invoice_balance(invoice)}
    note = CreditNote.objects.create(
        number=number_take(council=invoice.supplier, kind="CN", year=today.year),
        invoice=invoice,
        amount=Money(amount, "GBP"),
        reason=reason.strip(),
        issue_date=today,
        by=by,
    )
    _settle_if_cleared(invoice)
    outstanding = invoice_balance(invoice)
    _audit(
        invoice=invoice,
        action="credit_note_issued",
        by=by,
        before=before,
        after={"status": invoice.status, "outstanding": outstanding, "credit_note": note.number},
        note=reason.strip(),
    )
    credit_note_issued_tell(note=note, outstanding=outstanding)
    return note


@transaction.atomic
def invoice_answer(*, invoice: Invoice, by: User, agree: bool, note: str = "") -> Invoice:
    """Agreement of balances: the customer's finance officer confirms the invoice, or disputes it."""
    invoice = invoice_locked(invoice)
    _require_finance(by, invoice.customer_id, "customer")
    if not agree and not note.strip():
        raise PaymentError("Enter why you dispute the invoice")
    before = {"agreement": invoice.agreement}
    agreement_machine.move(invoice, to=Agreement.CONFIRMED if agree else Agreement.DISPUTED)
    invoice.agreement_note = note.strip()
    invoice.agreement_by = by
    invoice.agreement_at = timezone.now()
    invoice.save(update_fields=["agreement", "agreement_note", "agreement_by", "agreement_at"])
    _audit(invoice=invoice, action="answered", by=by, before=before, after={"agreement": invoice.agreement}, note=note)
    invoice_answered_tell(invoice=invoice)
    return invoice


@transaction.atomic
def invoices_overdue_remind(*, today: date | None = None) -> int:
    """Beat: tell the customer's finance team, once a week at most, about each invoice past due with money
    still outstanding. An invoice with nothing outstanding is never reminded (and is marked paid)."""
    today = today or timezone.localdate()
    now = timezone.now()
    due = list(
        invoices_with_balance()
        .select_for_update(skip_locked=True, of=("self",))
        .filter(status=InvoiceStatus.ISSUED, due_date__lt=today)
        .filter(Q(overdue_reminded_at__isnull=True) | Q(overdue_reminded_at__lte=now - timedelta(days=7)))
    )
    recipients = finance_recipients({invoice.customer_id: invoice.customer for invoice in due}.values())
    sent = 0
    for invoice in due:
        if invoice.outstanding <= 0:
            _settle_if_cleared(invoice)
            continue
        invoice_overdue_tell(invoice=invoice, outstanding=invoice.outstanding, recipients=recipients)
        invoice.overdue_reminded_at = now
        invoice.save(update_fields=["overdue_reminded_at"])
        sent += 1
    return sent
