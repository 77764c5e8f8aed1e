"""Finance e-mails, bank details and VAT set by the finance officer, and safe CSV downloads."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from bookings.models import Booking
from councils import services as council_services
from councils.models import Council, RechargeVat
from notifications.models import OutboundEmail
from payments import services, settlement
from payments.models import Invoice
from tests.factories import UserFactory
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
PAID = date(2026, 11, 20)
BANK = {"bank_account_name": "Alphaton Council", "bank_sort_code": "30-94-57", "bank_account_number": "00733445"}


@pytest.fixture
def finance(three_councils):
    a, b, c = three_councils
    for council in (a, b, c):
        council.finance_email = f"accounts@{council.slug}.gov.uk"
        council.save(update_fields=["finance_email"])
    return {
        "a": UserFactory(council=a, roles=["finance_officer"], email="fin@alphaton.gov.uk"),
        "b": UserFactory(council=b, roles=["finance_officer"], email="fin@betaford.gov.uk"),
        "c": UserFactory(council=c, roles=["finance_officer"], email="fin@cetown.gov.uk"),
    }


@pytest.fixture
def invoices(november_hours, finance):
    settlement.settlement_run(period="2026-11", today=TODAY)
    return {i.number: i for i in Invoice.objects.all()}


def mail_to(address: str, kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=address, kind=kind))


def test_an_issued_invoice_is_mailed_to_the_customers_finance_team_with_a_link(invoices):
    (mail,) = mail_to("accounts@betaford.gov.uk", "invoice_issued")
    assert "AAA-2026-00001" in mail.subject
    assert "/finance/invoices/AAA-2026-00001/" in mail.body_text
    assert "£250.00" in mail.body_text
    assert mail_to("fin@betaford.gov.uk", "invoice_issued")  # and its finance officers
    # Alphaton is told only of the invoice it received, never of those it issued.
    assert [m.subject for m in mail_to("accounts@alphaton.gov.uk", "invoice_issued")] == [
        "Invoice BBB-2026-00001 from Betaford"
    ]


def test_an_agreed_or_disputed_invoice_is_mailed_to_the_supplier_with_the_reason(invoices, finance):
    services.invoice_answer(invoice=invoices["AAA-2026-00001"], by=finance["b"], agree=False, note="Week 2 not worked")
    (mail,) = mail_to("accounts@alphaton.gov.uk", "invoice_disputed")
    assert "disputed" in mail.subject
    assert "Week 2 not worked" in mail.body_text
    services.invoice_answer(invoice=invoices["AAA-2026-00002"], by=finance["c"], agree=True)
    assert mail_to("accounts@alphaton.gov.uk", "invoice_agreed")


def test_a_payment_is_mailed_to_both_councils(invoices, finance):
    services.payment_record(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("200"), paid_on=PAID, reference="BACS 9"
    )
    for address in ("accounts@alphaton.gov.uk", "accounts@betaford.gov.uk"):
        (mail,) = mail_to(address, "payment_recorded")
        assert "£200.00" in mail.body_text
        assert "£50.00 is still outstanding" in mail.body_text


def test_a_credit_note_is_mailed_to_the_customer(invoices, finance):
    services.credit_note_issue(
        invoice=invoices["AAA-2026-00002"], by=finance["a"], amount=Decimal("25.01"), reason="Short week"
    )
    (mail,) = mail_to("accounts@cetown.gov.uk", "credit_note_issued")
    assert "£25.01" in mail.body_text
    assert "Short week" in mail.body_text
    assert "£157.19 is still outstanding" in mail.body_text


def test_an_overdue_invoice_is_mailed_to_the_customer_with_what_is_outstanding(invoices, finance):
    services.payment_record(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("1000.00") / 8, paid_on=PAID, reference="x"
    )
    services.invoices_overdue_remind(today=date(2027, 3, 1))
    (mail,) = mail_to("accounts@betaford.gov.uk", "invoice_overdue")
    assert "£125.00 outstanding" in mail.subject


def bank_vat(client, user, **changes):
    client.force_login(user)
    data = {**BANK, "vat_status": "registered", "vat_number": "GB123456789", "recharge_vat": "outside_scope"}
    return client.post(reverse("payments:bank_vat"), {**data, **changes})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bank_sort_code": "30-94-5"}, "Enter a valid sort code like 30-94-57, 6 digits long"),
        ({"bank_sort_code": "AB-CD-EF"}, "Enter a valid sort code like 30-94-57, 6 digits long"),
        ({"bank_account_number": "0073344"}, "Enter a valid account number like 00733445, 8 digits long"),
        ({"bank_account_number": "007334451"}, "Enter a valid account number like 00733445, 8 digits long"),
        # digits of other scripts are digits to Python, not to the database's check or a bank
        ({"bank_sort_code": "٣٠-٩٤-٥٧"}, "Enter a valid sort code like 30-94-57, 6 digits long"),
        ({"bank_account_number": "٠٠٧٣٣٤٤٥"}, "Enter a valid account number like 00733445, 8 digits long"),
        ({"vat_number": "GB١٢٣٤٥٦٧٨٩"}, "Enter a VAT registration number in the correct format, like GB123456789"),
        ({"bank_account_name": ""}, "Enter the name on the account"),
        ({"vat_number": ""}, "Enter your council’s VAT registration number"),
        ({"vat_status": "not_registered", "recharge_vat": "standard"}, "Only a VAT-registered council can charge"),
    ],
)
def test_bad_bank_or_vat_details_are_refused_and_nothing_changes(client, finance, changes, message):
    response = bank_vat(client, finance["a"], **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    council = Council.objects.get(pk=finance["a"].council_id)
    assert (council.bank_account_number, council.bank_sort_code, council.recharge_vat) == ("", "", "outside_scope")
    assert not AuditEvent.objects.filter(action="council.bank_vat_changed").exists()


def test_the_finance_officer_sets_bank_details_shown_on_every_invoice_pdf(client, invoices, finance):
    assert bank_vat(client, finance["a"]).status_code == 302
    council = Council.objects.get(pk=finance["a"].council_id)
    assert (council.bank_sort_code, council.bank_account_number) == ("309457", "00733445")
    event = AuditEvent.objects.get(action="council.bank_vat_changed")
    assert event.after["bank_account_number"] == "****3445"  # never the whole number in the log
    client.force_login(finance["b"])
    pdf = client.get(reverse("payments:invoice_pdf", args=["AAA-2026-00001"])).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Sort code: 30-94-57" in text
    assert "Account number: 00733445" in text


def test_only_finance_officers_set_bank_and_vat_details(client, finance, three_councils):
    admin = UserFactory(council=three_councils[0], roles=["council_admin"])
    client.force_login(admin)
    assert client.get(reverse("payments:bank_vat")).status_code == 403
    with pytest.raises(council_services.CouncilError):
        council_services.council_bank_vat_update(
            council=three_councils[0],
            by=admin,
            bank=council_services.BankDetails.NONE,
            vat_status="registered",
            vat_number="GB123456789",
            recharge_vat="outside_scope",
        )


def test_an_invoice_keeps_the_vat_treatment_it_was_issued_with(client, invoices, finance, people):
    before = Invoice.objects.get(number="AAA-2026-00001")
    assert before.vat_treatment == RechargeVat.OUTSIDE_SCOPE
    assert bank_vat(client, finance["a"], recharge_vat="standard", vat_number="GB 987 6543 21").status_code == 302
    confirmed_week(
        profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 12, 7), hours=Decimal("2")
    )
    settlement.settlement_run(period="2026-12", today=date(2027, 1, 4))
    after = Invoice.objects.get(number="AAA-2027-00001")
    assert (after.vat_treatment, after.supplier_vat_number, after.vat.amount) == ("standard", "GB987654321", 20)
    before.refresh_from_db()
    assert (before.vat_treatment, before.vat.amount) == ("outside_scope", 0)
    client.force_login(finance["b"])
    pdf = client.get(reverse("payments:invoice_pdf", args=["AAA-2026-00001"])).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Outside the scope of VAT" in text


def test_downloads_neutralise_formulas_in_what_people_typed(client, people, finance):
    sheet = confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 2))
    Booking.objects.filter(pk=sheet.week.booking_id).update(po_number='=HYPERLINK("http://x")', cost_centre="+44")
    user = people["spec_a"].user
    user.full_name = "@SUM(1+1)"
    user.save(update_fields=["full_name"])
    settlement.settlement_run(period="2026-11", today=TODAY)
    client.force_login(finance["a"])
    body = client.get(reverse("payments:settlement_csv", args=["2026-11"])).content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["po_number"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["cost_centre"] == "'+44"
    assert rows[0]["specialist"] == "'@SUM(1+1)"
    assert rows[0]["gross"] == "150.00"
    payroll = client.get(reverse("payments:payroll_csv", args=["2026-11"])).content.decode()
    assert "'@SUM(1+1)" in payroll
    client.force_login(finance["b"])
    statement = client.get(reverse("payments:statement_csv", args=["2026-11"])).content.decode()
    assert "NET POSITION,,,,,,-150.00,,,-150.00," in statement  # a negative number stays a number


def test_pages_show_money_with_a_thousands_separator(client, people, finance):
    confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 2), rate="437.50")
    confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=date(2026, 11, 9), rate="437.50")
    settlement.settlement_run(period="2026-11", today=TODAY)
    client.force_login(finance["a"])
    page = client.get(reverse("payments:statement", args=["2026-11"])).content.decode()
    assert "£2,625.00" in page
    assert "£0.00" in page  # nothing payable: shown in full, never "£0"
    assert "£0 " not in page
    assert "£0<" not in page
