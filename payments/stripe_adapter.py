"""Optional Stripe payments: off unless STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set.

A customer council's finance officer is sent to Stripe Checkout for an invoice's balance; Stripe's signed
`checkout.session.completed` webhook records the payment. Each event is recorded once by its id, so a
replayed delivery records nothing more; a delivery with a bad signature is refused and recorded.
"""

from decimal import Decimal

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Invoice, StripeEvent
from .services import PaymentError, invoice_balance, invoice_locked, payment_add


def stripe_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET)


def checkout_url(*, invoice: Invoice, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout page for what is outstanding on the invoice (calls Stripe)."""
    balance = invoice_balance(invoice)
    session = stripe.checkout.Session.create(
        api_key=settings.STRIPE_SECRET_KEY,
        mode="payment",
        line_items=[
            {
                "price_data": {
                    "currency": "gbp",
                    "unit_amount": int(balance * 100),
                    "product_data": {"name": f"Invoice {invoice.number}"},
                },
                "quantity": 1,
            }
        ],
        metadata={"invoice": invoice.number},
        success_url=success_url,
        cancel_url=cancel_url,
    )
    assert session.url is not None  # a new Checkout session has its page's address (None once it has expired)
    return session.url


class WebhookRefused(Exception):
    pass


def webhook_handle(*, payload: bytes, signature: str) -> StripeEvent:
    """Verify and apply one delivery. Raises WebhookRefused (after recording it) for a bad signature."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        StripeEvent.objects.create(signature_valid=False, outcome=f"Refused: {type(exc).__name__}")
        raise WebhookRefused(str(exc)) from exc
    return _event_apply(event)


@transaction.atomic
def _event_apply(event) -> StripeEvent:
    try:
        with transaction.atomic():
            record = StripeEvent.objects.create(event_id=event["id"], kind=event["type"], signature_valid=True)
    except IntegrityError:
        return StripeEvent.objects.get(event_id=event["id"])  # a replay: already applied
    if event["type"] != "checkout.session.completed":
        record.outcome = "Ignored"
        record.save(update_fields=["outcome"])
        return record
    session = event["data"]["object"].to_dict()
    invoice = Invoice.objects.filter(number=(session.get("metadata") or {}).get("invoice", "")).first()
    if invoice is None:
        record.outcome = "No such invoice"
        record.save(update_fields=["outcome"])
        return record
    invoice = invoice_locked(invoice)
    amount = (Decimal(session["amount_total"]) / 100).quantize(Decimal("0.01"))
    try:
        payment_add(
            invoice=invoice, amount=amount, paid_on=timezone.localdate(), reference=f"Stripe {session['id']}", by=None
        )
        record.outcome = f"Recorded £{amount}"
    except PaymentError as exc:
        record.outcome = f"Not recorded: {exc}"
    record.invoice = invoice
    record.save(update_fields=["outcome", "invoice"])
    return record
