"""Finance e-mails, written to the outbox in the transaction that causes them.

Each goes to the council's finance address (from its finance details) and to its active finance officers,
once per address: invoice issued and credit note issued to the customer; agreed or disputed to the
supplier; payment recorded to both; overdue to the customer."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from core.money import money_format
from councils.models import Council, Role, User
from notifications.services import email_enqueue

from .models import Agreement, CreditNote, Invoice, Payment

Recipients = dict[int, list[str]]


def finance_recipients(councils: Iterable[Council]) -> Recipients:
    """Each council's finance address and its active finance officers' addresses, each once, in one query
    (settlement and the overdue reminders e-mail many councils at a time)."""
    councils = list(councils)
    addresses: dict[int, set[str]] = defaultdict(set)
    officers = User.objects.filter(
        council__in=councils, roles__contains=[Role.FINANCE_OFFICER], is_active=True
    ).values_list("council_id", "email")
    for council_id, email in officers:
        addresses[council_id].add(email.lower())
    for council in councils:
        if council.finance_email:
            addresses[council.pk].add(council.finance_email.lower())
    return {council.pk: sorted(addresses[council.pk]) for council in councils}


def _send(
    *, council: Council, kind: str, subject: str, template: str, context: dict, recipients: Recipients | None = None
) -> int:
    recipients = recipients if recipients is not None else finance_recipients([council])
    for to in recipients[council.pk]:
        email_enqueue(kind=kind, to=to, subject=subject, template=f"emails/{template}", context=context)
    return len(recipients[council.pk])


def invoice_issued_tell(*, invoice: Invoice, recipients: Recipients | None = None) -> int:
    return _send(
        council=invoice.customer,
        kind="invoice_issued",
        subject=f"Invoice {invoice.number} from {invoice.supplier.short_name}",
        template="invoice_issued",
        context={"invoice": invoice},
        recipients=recipients,
    )


def invoice_answered_tell(*, invoice: Invoice) -> int:
    agreed = invoice.agreement == Agreement.CONFIRMED
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
    both = (invoice.customer, invoice.supplier)
    recipients = finance_recipients(both)
    return sum(
        _send(
            council=council,
            kind="payment_recorded",
            subject=subject,
            template="payment_recorded",
            context=context,
            recipients=recipients,
        )
        for council in both
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


def invoice_overdue_tell(*, invoice: Invoice, outstanding: Decimal, recipients: Recipients | None = None) -> int:
    return _send(
        council=invoice.customer,
        kind="invoice_overdue",
        subject=f"Overdue: invoice {invoice.number} from {invoice.supplier.short_name}, "
        f"{money_format(outstanding)} outstanding",
        template="invoice_overdue",
        context={"invoice": invoice, "balance": outstanding},
        recipients=recipients,
    )
