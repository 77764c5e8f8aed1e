"""The Stripe webhook with payloads signed here with a test secret: nothing calls the network."""

import hashlib
import hmac
import json
import time
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from payments import settlement
from payments.models import Invoice, InvoiceStatus, Payment, StripeEvent

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_only"


@pytest.fixture(autouse=True)
def stripe_on(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_only"
    settings.STRIPE_WEBHOOK_SECRET = SECRET


@pytest.fixture
def invoice(november_hours):
    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    return Invoice.objects.get(number="AAA-2026-00001")  # £250.00


def delivery(client, event: dict, secret: str = SECRET):
    payload = json.dumps(event)
    stamp = int(time.time())
    signature = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        reverse("payments:stripe_webhook"),
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": f"t={stamp},v1={signature}"},
    )


def paid_event(invoice, *, event_id="evt_1", pence=25000):
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": "cs_test_1",
                "object": "checkout.session",
                "amount_total": pence,
                "metadata": {"invoice": invoice.number},
            }
        },
    }


def test_a_signed_webhook_marks_the_invoice_paid(client, invoice):
    assert delivery(client, paid_event(invoice)).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert Payment.objects.get().reference == "Stripe cs_test_1"


def test_the_same_event_delivered_twice_records_one_payment(client, invoice):
    delivery(client, paid_event(invoice, pence=10000))
    assert delivery(client, paid_event(invoice, pence=10000)).status_code == 200
    assert Payment.objects.count() == 1
    assert Payment.objects.get().amount.amount == Decimal("100.00")


def test_a_bad_signature_is_refused_and_recorded(client, invoice):
    response = delivery(client, paid_event(invoice), secret="whsec_wrong")
    assert response.status_code == 400
    assert not Payment.objects.exists()
    rejected = StripeEvent.objects.get()
    assert (rejected.signature_valid, rejected.outcome) == (False, "Refused: SignatureVerificationError")


def test_the_webhook_is_off_without_keys(client, invoice, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert delivery(client, paid_event(invoice)).status_code == 404
