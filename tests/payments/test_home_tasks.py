"""The finance officer's home page as a task list: invoices to confirm, overdue invoices to pay and to collect,
the latest month's outstanding position and its downloads; each done item disappears, another council's
items never appear."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from payments import services
from payments.models import Invoice
from tests.factories import UserFactory
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db

BEFORE_DUE = date(2026, 12, 10)  # November's invoices were issued on 1 December, due on 31 December
OVERDUE = date(2027, 1, 15)  # 15 days past due


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def invoice_url(number: str) -> str:
    return reverse("payments:invoice", args=[number])


@freeze_time(BEFORE_DUE)
def test_a_finance_officer_sees_invoices_received_to_confirm_until_confirmed(client, invoices, finance):
    page = home(client, finance["b"])
    assert '<h2 class="govuk-heading-m">Invoices and payments</h2>' in page
    assert "Confirm or dispute invoice AAA-2026-00001 from Alphaton</a>: £250.00, due by 31 December 2026" in page
    assert invoice_url("AAA-2026-00001") in page
    assert "AAA-2026-00002" not in page  # Alphaton's invoice to Cetown
    assert "overdue" not in page

    services.invoice_answer(invoice=invoices["AAA-2026-00001"], by=finance["b"], agree=True)
    page = home(client, finance["b"])
    assert "Confirm or dispute invoice AAA-2026-00001" not in page


@freeze_time(BEFORE_DUE)
def test_the_supplier_sees_a_dispute_of_its_invoice(client, invoices, finance):
    services.invoice_answer(invoice=invoices["AAA-2026-00001"], by=finance["b"], agree=False, note="Two hours too many")
    assert "Confirm or dispute invoice AAA-2026-00001" not in home(client, finance["b"])  # answered
    page = home(client, finance["a"])
    assert "Betaford disputes invoice AAA-2026-00001</a>: put it right" in page
    assert "Their reason: “Two hours too many”" in page
    assert "disputes" not in home(client, finance["c"])


@freeze_time(OVERDUE)
def test_overdue_invoices_are_listed_to_pay_and_to_collect_until_paid(client, invoices, finance):
    payer = home(client, finance["b"])
    assert (
        "Pay invoice AAA-2026-00001 from Alphaton</a>: £250.00, 15 days overdue; you have not confirmed it yet" in payer
    )
    assert "Confirm or dispute invoice AAA-2026-00001" not in payer  # listed once, to pay
    assert "Alphaton has not paid invoice BBB-2026-00001</a>: £50.00, 15 days overdue" in payer

    collector = home(client, finance["a"])
    assert "Betaford has not paid invoice AAA-2026-00001</a>: £250.00, 15 days overdue" in collector
    assert "Cetown has not paid invoice AAA-2026-00002</a>: £182.20, 15 days overdue" in collector
    assert "Pay invoice BBB-2026-00001 from Betaford</a>: £50.00" in collector

    services.payment_record(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("200"), paid_on=OVERDUE, reference="BACS"
    )
    assert "Betaford has not paid invoice AAA-2026-00001</a>: £50.00, 15 days overdue" in home(client, finance["a"])
    services.payment_record(
        invoice=invoices["AAA-2026-00001"], by=finance["a"], amount=Decimal("50"), paid_on=OVERDUE, reference="BACS"
    )
    assert "AAA-2026-00001" not in home(client, finance["a"]).split("Still outstanding")[0]
    assert "Pay invoice AAA-2026-00001" not in home(client, finance["b"])

    cetown = home(client, finance["c"])
    assert "Pay invoice AAA-2026-00002 from Alphaton</a>: £182.20" in cetown
    assert "AAA-2026-00001" not in cetown
    assert "BBB-2026-00001" not in cetown


@freeze_time(BEFORE_DUE)
def test_the_latest_months_position_and_downloads_are_shown(client, invoices, finance):
    page = home(client, finance["a"])
    position = page.split("Still outstanding on November 2026’s invoices")[1].split("</dl>")[0]
    assert "Owed to Alphaton</dt>" in position
    assert "£432.20" in position
    assert "Owed by Alphaton</dt>" in position
    assert "£50.00" in position
    assert "£382.20 owed to you" in position
    for name in ("statement", "settlement_csv", "statement_csv"):
        assert reverse(f"payments:{name}", args=["2026-11"]) in page
    assert "(CSV)</a>" in page
    assert 'settlement report<span class="govuk-visually-hidden"> for November 2026' in page

    position = home(client, finance["c"]).split("Still outstanding on November 2026’s invoices")[1].split("</dl>")[0]
    assert "£182.20 you owe" in position


@freeze_time(date(2026, 11, 20))
def test_with_nothing_waiting_the_officer_is_told_when_invoices_arrive(client, council):
    officer = UserFactory(council=council, roles=["finance_officer"])
    page = home(client, officer)
    assert "Nothing is waiting for you. Invoices arrive after the monthly settlement on 1 December" in page
    assert "No month has been settled yet." in page
    assert reverse("payments:home") in page


@freeze_time(BEFORE_DUE)
def test_only_active_finance_officers_see_the_section(client, invoices, finance, three_councils):
    from councils.models import MembershipStatus

    a, _b, _c = three_councils
    assert "Invoices and payments" not in home(client, UserFactory(council=a, roles=["booking_officer"]))
    pending = UserFactory(council=a, roles=["finance_officer"], membership_status=MembershipStatus.PENDING)
    assert "Invoices and payments" not in home(client, pending)


@freeze_time(BEFORE_DUE)
def test_a_person_with_several_roles_sees_each_section(client, invoices, three_councils):
    a, _b, _c = three_councils
    person = UserFactory(council=a, roles=["finance_officer", "booking_officer", "council_admin", "approver"])
    page = home(client, person)
    for heading in ("Invoices and payments", "Your council’s bookings", "Approvals", "Running Alphaton’s account"):
        assert f'<h2 class="govuk-heading-m">{heading}</h2>' in page
    assert "Confirm or dispute invoice BBB-2026-00001 from Betaford" in page


@freeze_time(OVERDUE)
def test_the_finance_home_reads_in_the_same_number_of_queries_whatever_the_invoices(
    client, invoices, finance, people, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payments import settlement

    client.force_login(finance["a"])
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for week_start, profile, officer in [
        (date(2026, 12, 7), people["spec_a"], people["officer_b"]),
        (date(2026, 12, 14), people["spec_a"], people["officer_c"]),
        (date(2026, 12, 21), people["spec_b"], people["officer_a"]),
    ]:
        confirmed_week(profile=profile, officer=officer, week_start=week_start)
    settlement.settlement_run(period="2026-12", today=date(2027, 1, 1))
    assert Invoice.objects.count() == 6
    with django_assert_num_queries(len(before.captured_queries)):
        page = client.get(reverse("home")).content.decode()
    assert "Confirm or dispute invoice BBB-2027-00001 from Betaford" in page  # December's, received
    assert "Still outstanding on December 2026’s invoices" in page
