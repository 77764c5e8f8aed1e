"""A council administrator removes a leaver, erases their details and reads the audit log; the leaver's
data download works. Real browser, axe on every page."""

import json

import pytest
from playwright.sync_api import expect

from councils.models import Role
from tests.browser.helpers import sign_in, sign_out
from tests.factories import ActiveCouncilFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_erases_a_leaver_and_reads_the_audit_log(page, axe):
    council = ActiveCouncilFactory(code="AAA", name="Alphaton Council", short_name="Alphaton", slug="alphaton")
    UserFactory(council=council, roles=[Role.COUNCIL_ADMIN], email="ada@alphaton.gov.uk", full_name="Ada Admin")
    UserFactory(council=council, roles=[Role.BOOKING_OFFICER], email="leo@alphaton.gov.uk", full_name="Leo Leaver")

    sign_in(page, axe, "leo@alphaton.gov.uk")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data").click()
    data = json.loads(download.value.path().read_text())
    assert data["account"]["full_name"] == "Leo Leaver"
    sign_out(page, axe)

    sign_in(page, axe, "ada@alphaton.gov.uk")
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Remove Leo Leaver").click()
    page.get_by_role("button", name="Remove").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Leo Leaver has been removed")
    page.get_by_role("link", name="Erase personal details of Leo Leaver").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Leo Leaver’s personal details?")
    axe.check(page)
    page.get_by_role("button", name="Erase personal details").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Their personal details have been erased")
    expect(page.get_by_text("Former member (details erased)")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Audit log: who changed what at Alphaton").click()
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Personal details erased")
    expect(rows.nth(1)).to_contain_text("Removed from the council")
    expect(page.get_by_text("Leo Leaver")).to_have_count(0)  # the log names people as they are now
    axe.check(page)
    page.get_by_label("Show").select_option(label="People and roles")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    assert axe.violations == [], "\n".join(axe.violations)
