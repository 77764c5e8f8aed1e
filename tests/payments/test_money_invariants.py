"""Hypothesis: after any sequence of settlements, part payments, Stripe payments and credit notes between
several councils, the money adds up.

- each council's net position (its statement) is receivable outstanding less payable outstanding, and is
  the position the netting plan settles;
- positions sum to zero;
- applying the plan's transfers clears every outstanding balance to the penny;
- the plan never names a settled invoice.
"""

import hashlib
import hmac
import json
import time
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from councils.models import Council
from payments import selectors, services, settlement, stripe_adapter
from payments.models import Invoice, InvoiceStatus, SettlementRun
from tests.factories import ActiveCouncilFactory, UserFactory, specialist_profile
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db

SECRET = "whsec_invariants"
TODAY = date(2026, 12, 1)
PAID = date(2026, 11, 20)
MONTHS = ("2026-10", "2026-11")


@pytest.fixture
def world(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_only"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    councils = [
        ActiveCouncilFactory(code=code, short_name=code, slug=code.lower()) for code in ("QAA", "QBB", "QCC", "QDD")
    ]
    specialists = [specialist_profile(c) for c in councils]
    officers = [UserFactory(council=c, roles=["booking_officer"]) for c in councils]
    finance = {c.pk: UserFactory(council=c, roles=["finance_officer"]) for c in councils}
    # Every ordered pair trades in October and in November, at rates that round (x.x hours at odd pence).
    n = 0
    for month_start in (date(2026, 10, 5), date(2026, 11, 2)):
        for i, supplier in enumerate(specialists):
            for j, officer in enumerate(officers):
                if i == j:
                    continue
                n += 1
                confirmed_week(
                    profile=supplier,
                    officer=officer,
                    week_start=month_start + timedelta(weeks=n % 4),
                    hours=str(Decimal(n % 5 + 1) / 2),
                    rate=f"{30 + n * 3.17:.2f}",
                )
    return {"councils": councils, "finance": finance}


def stripe_pay(invoice: Invoice, amount: Decimal, n: int) -> None:
    event = {
        "id": f"evt_inv_{n}_{invoice.number}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": f"cs_{n}",
                "object": "checkout.session",
                "amount_total": int(amount * 100),
                "metadata": {"invoice": invoice.number},
            }
        },
    }
    payload = json.dumps(event)
    stamp = int(time.time())
    signature = hmac.new(SECRET.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    stripe_adapter.webhook_handle(payload=payload.encode(), signature=f"t={stamp},v1={signature}")


fractions = st.integers(min_value=1, max_value=100).map(lambda p: Decimal(p) / 100)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("settle"), st.sampled_from(MONTHS), st.just(Decimal(0))),
        st.tuples(st.sampled_from(["pay", "stripe", "credit"]), st.integers(0, 30), fractions),
    ),
    min_size=1,
    max_size=14,
)


class Rollback(Exception):
    pass


def apply(operations_list, world) -> None:
    for n, (kind, target, fraction) in enumerate(operations_list):
        if kind == "settle":
            settlement.settlement_run(period=target, today=TODAY)
            continue
        open_invoices = list(
            Invoice.objects.filter(status=InvoiceStatus.ISSUED).select_related("supplier").order_by("number")
        )
        if not open_invoices:
            continue
        invoice = open_invoices[target % len(open_invoices)]
        balance = services.invoice_balance(invoice)
        amount = max((balance * fraction).quantize(Decimal("0.01"), rounding=ROUND_DOWN), Decimal("0.01"))
        by = world["finance"][invoice.supplier_id]
        if kind == "pay":
            services.payment_record(invoice=invoice, by=by, amount=amount, paid_on=PAID, reference=f"BACS {n}")
        elif kind == "credit":
            services.credit_note_issue(invoice=invoice, by=by, amount=amount, reason=f"Correction {n}")
        else:
            stripe_pay(invoice, amount, n)


def check(world) -> None:
    councils: list[Council] = world["councils"]
    for run in SettlementRun.objects.all():
        netting = selectors.netting_for(run=run)
        assert sum(netting.positions.values(), Decimal("0")) == 0
        for council in councils:
            statement = selectors.statement_for(council=council, run=run)
            assert statement.net == statement.receivable - statement.payable
            assert statement.net == netting.positions.get(council.pk, Decimal("0"))
        # The plan's transfers clear every outstanding balance to the penny.
        left = dict(netting.positions)
        for transfer in netting.plan:
            assert transfer.amount > 0
            left[transfer.payer] += transfer.amount
            left[transfer.payee] -= transfer.amount
        assert all(v == 0 for v in left.values()), left
        # The plan never names a settled invoice.
        named = [number for number, *_rest in netting.invoices]
        settled = set(
            Invoice.objects.filter(run=run, number__in=named, status=InvoiceStatus.PAID).values_list(
                "number", flat=True
            )
        )
        assert settled == set()
        for invoice in selectors.invoices_with_balance().filter(run=run):
            assert (invoice.number in named) == (invoice.outstanding > 0)
            assert (invoice.status == InvoiceStatus.PAID) == (invoice.outstanding == 0)
            assert invoice.outstanding >= 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_money_adds_up_after_any_sequence_of_settlements_payments_and_credit_notes(world, ops):
    try:
        with transaction.atomic():
            apply(ops, world)
            check(world)
            raise Rollback
    except Rollback:
        pass
