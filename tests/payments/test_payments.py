"""Payments, credit notes, agreement of balances, overdue reminders, and the finance downloads."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from notifications.models import OutboundEmail
from payments import services
from payments.forms import PaymentForm
from payments.models import Agreement, Invoice, InvoiceStatus

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
PAID = date(2026, 11, 20)  # in the past whenever the suite runs


def test_part_payments_then_the_rest_mark_the_invoice_paid(invoices, finance):
    invoice = invoices["AAA-2026-00001"]  # £250.00 owed by Betaford
    services.payment_record(invoice=invoice, by=finance["a"], amount=Decimal("100"), paid_on=PAID, reference="BACS 1")
    assert services.invoice_balance(invoice) == Decimal("150.00")
    with pytest.raises(services.PaymentError, match="more than the £150.00 outstanding"):
        services.payment_record(
            invoice=invoice, by=finance["a"], amount=Decimal("150.01"), paid_on=PAID, reference="BACS 2"
        )
    services.payment_record(
        invoice=invoice, by=finance["a"], amount=Decimal("150.00"), paid_on=PAID, reference="BACS 2"
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.gross.amount == Decimal("250.00")  # the invoice itself never changes


@pytest.mark.parametrize("amount", ["0", "-5", "NaN", "12.345", "1E100", "1e-100", "Infinity"])
def test_bad_amounts_are_refused(invoices, finance, amount):
    with pytest.raises(services.PaymentError):
        services.payment_record(
            invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal(amount), paid_on=PAID, reference="x"
        )
    assert not invoices["AAA-2026-00001"].payments.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "NaN", "12.345", "lots", "1E100", "1e-100", "Infinity", "£", "1.2.3"])
def test_the_payment_form_refuses_bad_amounts(amount):
    form = PaymentForm({"amount": amount, "paid_on_0": "2", "paid_on_1": "12", "paid_on_2": "2026", "reference": "x"})
    assert not form.is_valid()
    assert list(form.errors) == ["amount"]


def test_only_the_suppliers_finance_officer_records_payments(invoices, finance):
    with pytest.raises(services.PaymentError, match="supplying council"):
        services.payment_record(
            invoice=invoices["AAA-2026-00001"], by=finance["b"], amount=Decimal("1"), paid_on=PAID, reference="x"
        )


def test_credit_notes_have_their_own_gapless_series(invoices, finance):
    first = services.credit_note_issue(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("10"), reason="Rounding"
    )
    second = services.credit_note_issue(
        invoice=invoices["AAA-2026-00002"], by=finance["a"], amount=Decimal("20"), reason="Short week"
    )
    assert (first.number, second.number) == (
        f"AAA-CN-{first.issue_date.year}-00001",
        f"AAA-CN-{first.issue_date.year}-00002",
    )
    assert services.invoice_balance(invoices["AAA-2026-00001"]) == Decimal("240.00")
    with pytest.raises(services.PaymentError, match="cannot be more than"):
        services.credit_note_issue(
            invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("241"), reason="Too much"
        )


def test_the_customer_confirms_or_disputes_an_invoice(invoices, finance):
    invoice = invoices["AAA-2026-00001"]
    with pytest.raises(services.PaymentError, match="customer council"):
        services.invoice_answer(invoice=invoice, by=finance["a"], agree=True)
    with pytest.raises(services.PaymentError, match="why you dispute"):
        services.invoice_answer(invoice=invoice, by=finance["b"], agree=False)
    services.invoice_answer(invoice=invoice, by=finance["b"], agree=False, note="Week 2 was cancelled")
    invoice.refresh_from_db()
    assert (invoice.agreement, invoice.agreement_note) == (Agreement.DISPUTED, "Week 2 was cancelled")


def test_overdue_invoices_are_reminded_weekly(invoices, finance):
    invoice = invoices["AAA-2026-00001"]
    assert services.invoices_overdue_remind(today=invoice.due_date) == 0
    with freeze_time(invoice.due_date + timedelta(days=1)):
        assert services.invoices_overdue_remind(today=invoice.due_date + timedelta(days=1)) == 3
        assert services.invoices_overdue_remind(today=invoice.due_date + timedelta(days=2)) == 0
    assert OutboundEmail.objects.filter(kind="invoice_overdue", to=finance["b"].email).exists()


def test_the_settlement_csv_has_a_row_per_line_with_the_counterparty_gss(client, invoices, finance, three_councils):
    client.force_login(finance["a"])
    response = client.get(reverse("payments:settlement_csv", args=["2026-11"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == 4  # three lines issued by Alphaton, one received
    received = [r for r in rows if r["direction"] == "payable"]
    assert received[0]["counterparty_gss"] == three_councils[1].gss_code
    assert {r["gross"] for r in rows} == {"150.00", "100.00", "182.20", "50.00"}


def test_the_statement_csv_totals_and_net_position(client, invoices, finance):
    client.force_login(finance["a"])
    body = client.get(reverse("payments:statement_csv", args=["2026-11"])).content.decode()
    rows = {r[0]: r for r in csv.reader(io.StringIO(body))}
    assert rows["TOTAL RECEIVABLE"][6] == "432.20"
    assert rows["TOTAL PAYABLE"][6] == "50.00"
    assert rows["NET POSITION"][6] == "382.20"


def test_the_payroll_csv_lists_the_councils_own_specialists_hours(client, invoices, finance):
    client.force_login(finance["a"])
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("payments:payroll_csv", args=["2026-11"])).content.decode()))
    )
    assert [(r["employee"], r["confirmed_hours"], r["worked_for"]) for r in rows] == [
        ("Ann A", "3.0", "Betaford Council"),
        ("Ann A", "2.0", "Betaford Council"),
        ("Ann A", "4.0", "Cetown Council"),
    ]


def test_the_invoice_pdf_shows_both_councils_lines_and_totals(client, invoices, finance):
    client.force_login(finance["b"])
    response = client.get(reverse("payments:invoice_pdf", args=["AAA-2026-00001"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ["AAA-2026-00001", "Alphaton Council", "Betaford Council", "PO-1", "Ann A", "£250.00"]:
        assert expected in text


@pytest.mark.parametrize(
    "url",
    [
        ("payments:invoice", ["AAA-2026-00001"]),
        ("payments:invoice_pdf", ["AAA-2026-00001"]),
        ("payments:pay", ["AAA-2026-00001"]),
    ],
)
def test_another_councils_finance_officer_cannot_see_an_invoice(client, invoices, finance, url):
    client.force_login(finance["c"])  # Cetown is not party to AAA-2026-00001
    assert client.get(reverse(url[0], args=url[1])).status_code == 404


def test_downloads_are_for_finance_officers_only(client, invoices, people):
    client.force_login(people["officer_a"])
    assert client.get(reverse("payments:settlement_csv", args=["2026-11"])).status_code == 403
    assert client.get(reverse("payments:invoice_pdf", args=["AAA-2026-00001"])).status_code == 403


def test_recording_a_payment_through_the_page(client, invoices, finance):
    url = reverse("payments:pay", args=["BBB-2026-00001"])
    form = {"amount": "50", "paid_on_0": "20", "paid_on_1": "11", "paid_on_2": "2026", "reference": "R1"}
    client.force_login(finance["a"])  # Alphaton is the customer of this invoice
    assert "Only a finance officer of the supplying council" in client.post(url, form).content.decode()
    client.force_login(finance["b"])
    bad = client.post(url, {**form, "amount": "60"})
    assert "more than the £50.00 outstanding" in bad.content.decode()
    assert client.post(url, form).status_code == 302
    assert Invoice.objects.get(number="BBB-2026-00001").status == InvoiceStatus.PAID


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (["20", "11", "99999999999999999999"], "Date received must include a year with 4 numbers"),  # was a 500
        (["20", "11", ""], "Date received must include a year"),
        (["31", "11", "2026"], "Date received must be a real date"),
        (["", "", ""], "Enter the date received"),
    ],
)
def test_a_bad_payment_date_is_an_error_on_the_page_and_records_nothing(client, invoices, finance, parts, message):
    client.force_login(finance["b"])
    form = {"amount": "50", "reference": "R1", **{f"paid_on_{i}": part for i, part in enumerate(parts)}}
    response = client.post(reverse("payments:pay", args=["BBB-2026-00001"]), form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Invoice.objects.get(number="BBB-2026-00001").payments.exists()


def test_the_statement_page_shows_the_position_and_only_the_councils_own_transfers(client, invoices, finance):
    client.force_login(finance["a"])
    body = client.get(reverse("payments:statement", args=["2026-11"])).content.decode()
    assert "£382.20 owed to you" in body
    transfers = client.get(reverse("payments:statement", args=["2026-11"])).context["transfers"]
    assert [(p.short_name, r.short_name, amount) for p, r, amount in transfers] == [
        ("Betaford", "Alphaton", Decimal("200.00")),
        ("Cetown", "Alphaton", Decimal("182.20")),
    ]
    assert client.get(reverse("payments:statement", args=["2026-13"])).status_code == 404
    # Betaford deals only with Alphaton: Cetown's transfer to Alphaton is none of its business.
    client.force_login(finance["b"])
    body = client.get(reverse("payments:statement", args=["2026-11"])).content.decode()
    assert "£200.00 you owe" in body
    assert "Cetown" not in body
    assert "£182.20" not in body
