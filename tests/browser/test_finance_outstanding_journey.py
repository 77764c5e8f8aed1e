"""With JavaScript off: platform staff run October's settlement from the settlement page; the supplier's
finance officer records a part payment and a credit note, after which the statement, the netting plan and
the CSV all show what is still outstanding; another customer sees only its own transfer. axe on every page."""

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from councils.models import Role
from tests.browser.helpers import sign_in, sign_out
from tests.factories import ActiveCouncilFactory, UserFactory, agreement_ensure, specialist_profile
from tests.payments.conftest import confirmed_week

pytestmark = pytest.mark.django_db(transaction=True)


def test_part_payment_and_credit_note_show_everywhere_and_staff_run_a_month(
    page_without_js, mirrored_axe, eager_celery
):
    page, axe = page_without_js, mirrored_axe
    agreement_ensure()
    supplier = ActiveCouncilFactory(code="SUP", name="Supplyshire Council", short_name="Supplyshire", slug="sup")
    first = ActiveCouncilFactory(code="CUS", name="Customerton Council", short_name="Customerton", slug="cus")
    second = ActiveCouncilFactory(code="OTH", name="Otherford Council", short_name="Otherford", slug="oth")
    profile = specialist_profile(supplier, full_name="Sam Specialist")
    for customer, week, hours, rate in ((first, 5, "3", "50"), (second, 12, "2", "40")):
        officer = UserFactory(council=customer, roles=[Role.BOOKING_OFFICER])
        confirmed_week(profile=profile, officer=officer, week_start=date(2026, 10, week), hours=hours, rate=rate)
        profile.refresh_from_db()
    UserFactory(council=supplier, roles=[Role.FINANCE_OFFICER], email="fin@supplyshire.gov.uk")
    UserFactory(council=second, roles=[Role.FINANCE_OFFICER], email="fin@otherford.gov.uk")
    UserFactory(is_staff=True, council=None, roles=[], email="staff@talentpool.example")

    # Platform staff run October from the settlement page.
    sign_in(page, axe, "staff@talentpool.example")
    page.get_by_role("link", name="Settlement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settlement")
    axe.check(page)
    page.get_by_label("Month to settle").select_option(label="October 2026")
    page.get_by_role("button", name="Run settlement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settlement for October 2026")
    expect(page.locator("main")).to_contain_text("Completed")
    expect(page.locator("main")).to_contain_text("2, totalling £230.00")
    axe.check(page)
    page.get_by_role("link", name="All months").click()
    expect(page.locator("main table")).to_contain_text("October 2026")
    sign_out(page, axe)

    # The supplier records a part payment and a credit note on Customerton's £150.00 invoice.
    sign_in(page, axe, "fin@supplyshire.gov.uk")
    page.get_by_role("link", name="Finance").click()
    page.get_by_role("link", name="October 2026", exact=True).click()
    expect(page.locator("main")).to_contain_text("£230.00 owed to you")
    page.get_by_role("link", name="SUP-2026-00001").click()
    paid_on = date.today() - timedelta(days=1)
    page.get_by_label("Amount received, in pounds").fill("100")
    page.get_by_label("Day").fill(str(paid_on.day))
    page.get_by_label("Month").fill(str(paid_on.month))
    page.get_by_label("Year").fill(str(paid_on.year))
    page.get_by_label("Payment reference").fill("BACS 1")
    page.get_by_role("button", name="Record payment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Payment of £100.00 recorded")
    expect(page.locator("main .govuk-tag").first).to_have_text("£50.00 outstanding")
    axe.check(page)
    page.get_by_role("link", name="Issue a credit note").click()
    page.get_by_label("Amount to credit, in pounds").fill("25.01")
    page.get_by_label("Reason").fill("Half an hour not worked")
    page.get_by_role("button", name="Issue credit note").click()
    expect(page.locator("main .govuk-tag").first).to_have_text("£24.99 outstanding")
    axe.check(page)

    page.get_by_role("link", name="Statement for October 2026").click()
    main = page.locator("main")
    expect(main).to_contain_text("£104.99 owed to you")  # £24.99 from Customerton, £80.00 from Otherford
    transfers = main.get_by_role("table", name="Your transfers after netting")
    expect(transfers).to_contain_text("Customerton")
    expect(transfers).to_contain_text("£24.99")
    expect(transfers).to_contain_text("£80.00")
    axe.check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Statement (CSV)").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    net = next(r for r in rows if r[0] == "NET POSITION")
    assert (net[6], net[9]) == ("230.00", "104.99")
    sign_out(page, axe)

    # Otherford sees its own transfer only.
    sign_in(page, axe, "fin@otherford.gov.uk")
    page.goto("/finance/months/2026-10/")
    main = page.locator("main")
    expect(main).to_contain_text("£80.00 you owe")
    expect(main.get_by_role("table", name="Your transfers after netting")).to_contain_text("Supplyshire")
    expect(main).not_to_contain_text("Customerton")
    axe.check(page)
    assert len(axe.audit.pages) >= 9
    assert axe.audit.violations == [], "\n".join(axe.audit.violations)
