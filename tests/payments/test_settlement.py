"""The settlement run on real PostgreSQL: invoices, numbering, idempotency, interruption and concurrency."""

import threading
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from payments import settlement
from payments.models import Invoice, InvoiceLine
from tests.payments.conftest import confirmed_week

TODAY = date(2026, 12, 1)


@pytest.mark.django_db
def test_one_invoice_per_supplier_and_customer_with_a_line_per_week(november_hours):
    result = settlement.settlement_run(period="2026-11", today=TODAY)
    summary = sorted((i.number, i.supplier.code, i.customer.code, i.gross.amount) for i in result.invoices)
    assert summary == [
        ("AAA-2026-00001", "AAA", "BBB", Decimal("250.00")),  # (3 + 2) h × £50
        ("AAA-2026-00002", "AAA", "CCC", Decimal("182.20")),  # 4 h × £45.55
        ("BBB-2026-00001", "BBB", "AAA", Decimal("50.00")),  # 1.5 h × £33.33 = 49.995 → 50.00
    ]
    for invoice in Invoice.objects.all():
        sums = invoice.lines.aggregate(net=Sum("net"), vat=Sum("vat"), gross=Sum("gross"))
        assert (sums["net"], sums["vat"], sums["gross"]) == (
            invoice.net.amount,
            invoice.vat.amount,
            invoice.gross.amount,
        )
    line = InvoiceLine.objects.get(invoice__number="AAA-2026-00001", week_start=date(2026, 11, 2))
    assert (line.specialist, line.hours, line.po_number) == ("Ann A", Decimal("3.0"), "PO-1")


@pytest.mark.django_db
def test_standard_rated_vat_is_added_per_line(november_hours, three_councils):
    a, _b, _c = three_councils
    a.recharge_vat = "standard"
    a.save()
    settlement.settlement_run(period="2026-11", today=TODAY)
    invoice = Invoice.objects.get(number="AAA-2026-00002")
    assert (invoice.net.amount, invoice.vat.amount, invoice.gross.amount) == (
        Decimal("182.20"),
        Decimal("36.44"),
        Decimal("218.64"),
    )


@pytest.mark.django_db
def test_a_second_run_creates_nothing(november_hours):
    settlement.settlement_run(period="2026-11", today=TODAY)
    again = settlement.settlement_run(period="2026-11", today=TODAY)
    assert again.invoices == []
    assert Invoice.objects.count() == 3
    assert InvoiceLine.objects.count() == 4


@pytest.mark.django_db
def test_late_confirmed_hours_fall_into_the_next_run(november_hours, people):
    settlement.settlement_run(period="2026-11", today=TODAY)
    late = confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 30))
    result = settlement.settlement_run(period="2026-12", today=date(2027, 1, 1))
    assert [i.number for i in result.invoices] == ["AAA-2027-00001"]
    assert late.invoice_line.invoice.number == "AAA-2027-00001"


@pytest.mark.django_db
def test_a_month_that_has_not_ended_cannot_be_settled(db):
    with pytest.raises(settlement.SettlementError, match="has not ended yet"):
        settlement.settlement_run(period="2026-12", today=TODAY)
    with pytest.raises(settlement.SettlementError, match="is not a month"):
        settlement.settlement_run(period="November", today=TODAY)


@pytest.mark.django_db
def test_a_run_killed_half_way_leaves_whole_invoices_and_the_next_run_completes_it(november_hours, monkeypatch):
    monkeypatch.setattr(settlement, "PAIRS_PER_TRANSACTION", 1)
    real = settlement._invoice_batch
    calls = []

    def dies_on_the_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise KeyboardInterrupt("the machine was switched off")
        return real(**kwargs)

    with mock.patch.object(settlement, "_invoice_batch", dies_on_the_second), pytest.raises(KeyboardInterrupt):
        settlement.settlement_run(period="2026-11", today=TODAY)
    assert Invoice.objects.count() == 1
    assert all(i.lines.exists() for i in Invoice.objects.all())
    settlement.settlement_run(period="2026-11", today=TODAY)
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["AAA-2026-00001", "AAA-2026-00002", "BBB-2026-00001"]  # no gap, no duplicate
    assert InvoiceLine.objects.count() == 4


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_bill_each_week_once(november_hours):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            settlement.settlement_run(period="2026-11", today=TODAY)
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert InvoiceLine.objects.count() == 4
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "AAA-2026-00001",
        "AAA-2026-00002",
        "BBB-2026-00001",
    ]


@pytest.mark.django_db
def test_the_settle_command_runs_the_same_service(november_hours, capsys):
    from freezegun import freeze_time

    with freeze_time("2026-12-01"):
        call_command("settle", "--month", "2026-11")
    assert "3 invoices made" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_database_refuses_to_change_an_issued_invoice_or_its_lines(november_hours):
    from django.db import ProgrammingError, transaction

    settlement.settlement_run(period="2026-11", today=TODAY)
    invoice = Invoice.objects.get(number="AAA-2026-00001")
    with pytest.raises(ProgrammingError, match="cannot be changed"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(gross=Decimal("1.00"), net=Decimal("1.00"))
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).update(hours=1)
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        InvoiceLine.objects.filter(invoice=invoice).delete()
    Invoice.objects.filter(pk=invoice.pk).update(status="paid")  # its status may still move
    invoice.refresh_from_db()
    assert (invoice.gross.amount, invoice.lines.count(), invoice.status) == (Decimal("250.00"), 2, "paid")
