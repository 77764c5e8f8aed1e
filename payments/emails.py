"""Finance e-mails, written to the outbox in the transaction that causes them.

Each goes to the council's finance address (from its finance details) and to its active finance officers,
once per address: invoice issued and credit note issued to the customer; agreed or disputed to the
supplier; payment recorded to both; overdue to the customer."""

from decimal import Decimal

from core.money import money_format
from councils.models import Council, Role, User
from notifications.services import email_enqueue

from .models import CreditNote, Invoice, Payment


def finance_recipients(council: Council) -> list[str]:
    """The council's finance address and its active finance officers' addresses, each once."""
    addresses = set(
        User.objects.filter(council=council, roles__contains=[Role.FINANCE_OFFICER], is_active=True).values_list(
            "email", flat=True
        )
    )
    if council.finance_email:
        addresses.add(council.finance_email)
    return sorted(a.lower() for a in addresses if a)


def _send(*, council: Council, kind: str, subject: str, template: str, context: dict) -> int:
    recipients = finance_recipients(council)
    for to in recipients:
        email_enqueue(kind=kind, to=to, subject=subject, template=f"emails/{template}", context=context)
    return len(recipients)


def invoice_issued_tell(*, invoice: Invoice) -> int:
    return _send(
        council=invoice.customer,
        kind="invoice_issued",
        subject=f"Invoice {invoice.number} from {invoice.supplier.short_name}",
        template="invoice_issued",
        context={"invoice": invoice},
    )


def invoice_answered_tell(*, invoice: Invoice) -> int:
    agreed = invoice.agreement == "confirmed"
    verb = "agreed" if agreed else "disputed"
    return _send(
        council=invoice.supplier,
        kind=f"invoice_{verb}",
        subject=f"Invoice {invoice.number} {verb} by {invoice.customer.short_name}",
        template="invoice_answered",
        context={"invoice": invoice, "agreed": agreed},
    )


def payment_recorded_tell(*, payment: Payment, outstanding: Decimal) -> int:
    invoice = payment.invoice
    context = {"invoice": invoice, "payment": payment, "outstanding": outstanding}
    subject = f"Payment recorded against invoice {invoice.number}"
    return sum(
        _send(council=council, kind="payment_recorded", subject=subject, template="payment_recorded", context=context)
        for council in (invoice.customer, invoice.supplier)
    )


def credit_note_issued_tell(*, note: CreditNote, outstanding: Decimal) -> int:
    invoice = note.invoice
    return _send(
        council=invoice.customer,
        kind="credit_note_issued",
        subject=f"Credit note {note.number} against invoice {invoice.number}",
        template="credit_note_issued",
        context={"invoice": invoice, "note": note, "outstanding": outstanding},
    )


def invoice_overdue_tell(*, invoice: Invoice, outstanding: Decimal) -> int:
    return _send(
        council=invoice.customer,
        kind="invoice_overdue",
        subject=f"Overdue: invoice {invoice.number} from {invoice.supplier.short_name}, "
        f"{money_format(outstanding)} outstanding",
        template="invoice_overdue",
        context={"invoice": invoice, "balance": outstanding},
    )
