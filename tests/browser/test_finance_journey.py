"""A finance officer opens the month's statement, downloads the CSV and an invoice PDF, records a payment
and sees the invoice paid. axe on every page."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from councils.models import Role
from payments import settlement
from tests.browser.helpers import sign_in
from tests.factories import ActiveCouncilFactory, UserFactory, agreement_ensure, specialist_profile
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db(transaction=True)


def test_finance_officer_downloads_and_records_a_payment(page, axe, tmp_path):
    agreement_ensure()
    supplier = ActiveCouncilFactory(
        code="SUP", name="Supplyshire Council", short_name="Supplyshire", slug="supplyshire"
    )
    customer = ActiveCouncilFactory(
        code="CUS", name="Customerton Council", short_name="Customerton", slug="customerton"
    )
    profile = specialist_profile(supplier, full_name="Sam Specialist")
    officer = UserFactory(council=customer, roles=[Role.BOOKING_OFFICER])
    confirmed_week(profile=profile, officer=officer, week_start=date(2026, 10, 5), hours=Decimal("3"), rate="50")
    confirmed_week(profile=profile, officer=officer, week_start=date(2026, 10, 12), hours=Decimal("2"), rate="50")
    settlement.settlement_run(period="2026-10", today=date(2026, 11, 2))
    UserFactory(council=supplier, roles=[Role.FINANCE_OFFICER], email="fin@supplyshire.gov.uk")

    sign_in(page, axe, "fin@supplyshire.gov.uk")
    page.get_by_role("link", name="Finance").click()
    axe.check(page)
    page.get_by_role("link", name="October 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statement for October 2026")
    expect(page.locator("main")).to_contain_text("£250.00 owed to you")
    axe.check(page)

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Settlement report for your ledger (CSV)").click()
    csv_text = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("invoice_number,issue_date,due_date,direction,counterparty")
    assert len(csv_text.splitlines()) == 3

    page.get_by_role("link", name="SUP-2026-00001").click()
    axe.check(page)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download the invoice (PDF)").click()
    assert Path(pdf_download.value.path()).read_bytes()[:4] == b"%PDF"

    paid_on = date.today() - timedelta(days=1)
    page.get_by_label("Amount received, in pounds").fill("300")
    page.get_by_label("Day").fill(str(paid_on.day))
    page.get_by_label("Month").fill(str(paid_on.month))
    page.get_by_label("Year").fill(str(paid_on.year))
    page.get_by_label("Payment reference").fill("BACS 4471")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("more than the £250.00 outstanding")
    axe.check(page)
    page.get_by_label("Amount received, in pounds").fill("250")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Payment of £250.00 recorded")
    expect(page.locator("main .govuk-tag").first).to_have_text("Paid")
    axe.check(page)
    assert axe.violations == [], "\n".join(axe.violations)
