"""Issue 11: statements, CSVs and netting on what is still outstanding after payments and credit notes; no
invoice for nothing; payroll by the month hours became payable."""

import csv
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from bookings.models import TimesheetStatus
from notifications.models import OutboundEmail
from payments import reports, selectors, services, settlement
from payments.models import Invoice, InvoiceStatus, NumberSeries, SettlementRun
from tests.factories import force_fields
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
PAID = date(2026, 11, 20)


def run():
    return SettlementRun.objects.get(period=date(2026, 11, 1))


def test_a_part_payment_lowers_the_statement_the_plan_and_the_csv(client, invoices, finance, three_councils):
    a, b, c = three_councils
    services.payment_record(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("200"), paid_on=PAID, reference="BACS"
    )
    statement = selectors.statement_for(council=a, run=run())
    assert (statement.receivable, statement.payable, statement.net) == (
        Decimal("232.20"),
        Decimal("50.00"),
        Decimal("182.20"),
    )
    netting = selectors.netting_for(run=run())
    assert netting.positions == {a.pk: Decimal("182.20"), b.pk: Decimal("0.00"), c.pk: Decimal("-182.20")}
    assert [(t.payer, t.payee, t.amount) for t in netting.plan] == [(c.pk, a.pk, Decimal("182.20"))]

    client.force_login(finance["a"])
    page = client.get(reverse("payments:statement", args=["2026-11"])).content.decode()
    assert "£182.20 owed to you" in page
    assert "£437.50" not in page.split("Net position")[1].split("</dd>")[0]
    body = client.get(reverse("payments:statement_csv", args=["2026-11"])).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    totals = {r[0]: r for r in rows if r[0].startswith(("TOTAL", "NET"))}
    assert totals["TOTAL RECEIVABLE"][9] == "232.20"
    assert totals["TOTAL PAYABLE"][9] == "50.00"
    assert totals["NET POSITION"][9] == "182.20"
    line = next(r for r in rows if r[0] == "AAA-2026-00001")
    assert line[6:10] == ["250.00", "200.00", "0.00", "50.00"]


def test_a_credit_note_never_makes_the_plan_overpay(invoices, finance, three_councils):
    a, _b, c = three_councils
    services.credit_note_issue(
        invoice=invoices["AAA-2026-00002"], by=finance["a"], amount=Decimal("25.01"), reason="Short week"
    )
    netting = selectors.netting_for(run=run())
    to_alphaton_from_cetown = sum(t.amount for t in netting.plan if (t.payer, t.payee) == (c.pk, a.pk))
    assert to_alphaton_from_cetown == Decimal("157.19")
    assert netting.positions[c.pk] == Decimal("-157.19")


def test_an_invoice_paid_in_full_leaves_the_plan(invoices, finance, three_councils):
    services.payment_record(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("250"), paid_on=PAID, reference="BACS"
    )
    netting = selectors.netting_for(run=run())
    assert "AAA-2026-00001" not in [number for number, *_rest in netting.invoices]
    assert netting.gross_payments == 2
    a, b, _c = three_councils
    # Betaford owes nothing now; Alphaton still owes it £50.00.
    assert netting.positions[b.pk] == Decimal("50.00")


def test_the_database_refuses_an_invoice_for_nothing(invoices):
    invoice = invoices["AAA-2026-00001"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            number="AAA-2026-99999",
            run=invoice.run,
            supplier=invoice.supplier,
            customer=invoice.customer,
            issue_date=TODAY,
            due_date=TODAY,
            net=Money(0, "GBP"),
            vat=Money(0, "GBP"),
            gross=Money(0, "GBP"),
        )


def test_a_zero_hour_week_is_settled_without_an_invoice_or_a_number(people, three_councils):
    a, _b, _c = three_councils
    sheet = confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 2), hours=Decimal("3")
    )
    sheet.hours_worked = Decimal("0")
    sheet.save(update_fields=["hours_worked"])
    result = settlement.settlement_run(period="2026-11", today=TODAY)
    assert result.invoices == []
    assert not Invoice.objects.exists()
    assert not NumberSeries.objects.filter(council=a, kind="INV", last__gt=0).exists()
    sheet.refresh_from_db()
    assert sheet.invoiced_at is not None  # settled: the next run does not look at it again
    assert services.invoices_overdue_remind(today=TODAY + timedelta(days=90)) == 0


def test_a_zero_hour_week_beside_billable_weeks_is_left_off_the_invoice(people):
    confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 2), hours=Decimal("3")
    )
    zero = confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 9), hours=Decimal("2")
    )
    zero.hours_worked = Decimal("0")
    zero.save(update_fields=["hours_worked"])
    (invoice,) = settlement.settlement_run(period="2026-11", today=TODAY).invoices
    assert invoice.lines.count() == 1
    assert invoice.gross.amount == Decimal("150.00")


def test_no_reminder_when_nothing_is_outstanding(invoices, finance):
    services.credit_note_issue(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("250"), reason="Cancelled"
    )
    OutboundEmail.objects.all().delete()
    services.invoices_overdue_remind(today=TODAY + timedelta(days=60))
    subjects = list(OutboundEmail.objects.values_list("subject", flat=True))
    assert subjects
    assert not any("AAA-2026-00001" in s for s in subjects)
    assert not any("£0.00" in s for s in subjects)


def _confirm_at(sheet, when: datetime, *, resolved: bool = False):
    if resolved:
        force_fields(sheet, status=TimesheetStatus.RESOLVED, agreed_hours=sheet.hours_worked, resolved_at=when)
    else:
        sheet.confirmed_at = when
        sheet.save(update_fields=["confirmed_at"])


def london(d: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour)))


def payroll(client, user, month: str) -> list[dict]:
    client.force_login(user)
    return list(csv.DictReader(io.StringIO(client.get(reverse("payments:payroll_csv", args=[month])).content.decode())))


def test_a_september_week_confirmed_in_october_is_in_the_october_payroll_only(client, people, finance):
    sheet = confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 9, 28), hours=Decimal("3")
    )
    _confirm_at(sheet, london(date(2026, 10, 21)))
    assert payroll(client, finance["a"], "2026-09") == []
    (row,) = payroll(client, finance["a"], "2026-10")
    assert row["payroll_period"] == "2026-10"
    assert (row["week_start"], row["week_end"], row["payable_on"]) == ("2026-09-28", "2026-10-04", "2026-10-21")
    assert row["confirmed_hours"] == "3.0"


def test_hours_agreed_after_a_dispute_are_in_the_month_they_were_agreed(client, people, finance):
    sheet = confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 10, 26), hours=Decimal("2")
    )
    _confirm_at(sheet, london(date(2026, 11, 3)), resolved=True)
    assert payroll(client, finance["a"], "2026-10") == []
    (row,) = payroll(client, finance["a"], "2026-11")
    assert row["how"] == "agreed after a dispute"


def test_the_payroll_month_follows_uk_time(client, people, finance):
    """00:30 on 1 September in London is still 31 August in UTC (summer time): it is September's."""
    late = confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 8, 17))
    _confirm_at(late, london(date(2026, 8, 31), 23))
    early = confirmed_week(profile=people["spec_a"], officer=people["officer_c"], week_start=date(2026, 8, 24))
    _confirm_at(early, timezone.make_aware(datetime(2026, 9, 1, 0, 30)))
    assert [r["week_start"] for r in payroll(client, finance["a"], "2026-08")] == ["2026-08-17"]
    assert [r["week_start"] for r in payroll(client, finance["a"], "2026-09")] == ["2026-08-24"]


def test_each_confirmed_week_is_in_exactly_one_payroll_period(client, people, finance):
    weeks = [date(2026, 8, 3) + timedelta(weeks=n) for n in range(14)]
    for n, week in enumerate(weeks):
        sheet = confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=week)
        _confirm_at(sheet, london(week + timedelta(days=3 + 4 * (n % 5))))
    seen = []
    for month in ("2026-08", "2026-09", "2026-10", "2026-11", "2026-12"):
        seen += [r["week_start"] for r in payroll(client, finance["a"], month)]
    assert sorted(seen) == [w.isoformat() for w in weeks]


def test_reports_use_the_outstanding_balance(invoices, finance, three_councils):
    a, _b, _c = three_councils
    services.payment_record(
        invoice=invoices["AAA-2026-00002"], by=finance["a"], amount=Decimal("82.20"), paid_on=PAID, reference="x"
    )
    body = reports.statement_csv(statement=selectors.statement_for(council=a, run=run()))
    assert "NET POSITION,,,,,,382.20,,,300.00," in body


def test_settled_invoices_are_marked_paid_and_stay_out_of_the_plan(invoices, finance):
    for number, by in (("AAA-2026-00001", "a"), ("AAA-2026-00002", "a"), ("BBB-2026-00001", "b")):
        invoice = invoices[number]
        services.payment_record(
            invoice=invoice, by=finance[by], amount=invoice.gross.amount, paid_on=PAID, reference="x"
        )
    assert set(Invoice.objects.values_list("status", flat=True)) == {InvoiceStatus.PAID}
    netting = selectors.netting_for(run=run())
    assert netting.plan == []
    assert netting.invoices == []


def test_the_downloads_keep_the_columns_ledgers_and_payroll_read(client, invoices, finance):
    """Ledger and payroll imports read these headers: a renamed column breaks them silently."""
    client.force_login(finance["a"])

    def header(name):
        body = client.get(reverse(f"payments:{name}", args=["2026-11"])).content.decode()
        return body.splitlines()[0].split(",")

    assert header("settlement_csv")[9:15] == ["week_start", "hours", "rate", "net", "vat", "gross"]
    assert header("statement_csv")[6:11] == ["gross", "paid", "credited", "balance", "agreement"]
    assert header("payroll_csv") == [
        "payroll_period",
        "employee",
        "email",
        "week_start",
        "week_end",
        "confirmed_hours",
        "payable_on",
        "how",
        "worked_for",
        "booking_reference",
    ]
