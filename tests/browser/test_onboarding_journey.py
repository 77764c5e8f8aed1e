"""The whole onboarding journey in a real browser, with axe run on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from councils.models import Council, CouncilStatus, Invitation, Role, User
from notifications.models import OutboundEmail
from tests.browser.helpers import sign_in, sign_out
from tests.conftest import PASSWORD
from tests.factories import CouncilFactory, StaffFactory, agreement_ensure

pytestmark = pytest.mark.django_db(transaction=True)


def invitation_link(to: str) -> str:
    body = OutboundEmail.objects.filter(kind="invitation", to=to).latest("created_at").body_text
    return re.search(r"https?://\S+/invitation/\S+/", body).group(0)


def test_platform_admin_onboards_a_council_whose_admin_invites_a_colleague(page, axe):
    agreement_ensure()
    CouncilFactory(code="NWT", name="Newtown District Council", short_name="Newtown", slug="newtown")
    CouncilFactory(code="OLD", name="Oldtown Borough Council", short_name="Oldtown", slug="oldtown")
    StaffFactory(email="platform@talentpool.example", full_name="Pat Platform")

    page.goto("/")
    axe.check(page)

    # The platform administrator finds the council and invites its first administrator.
    sign_in(page, axe, "platform@talentpool.example", PASSWORD)
    page.goto("/platform/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Councils")
    axe.check(page)
    page.get_by_label("Search councils").fill("Newtown")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Oldtown Borough Council")).to_have_count(0)
    axe.check(page)
    page.get_by_role("link", name="Newtown District Council").click()
    axe.check(page)
    page.get_by_role("button", name="Invite the council’s administrator").click()
    axe.check(page)
    page.get_by_role("button", name="Send invitation").click()  # empty: an error, nothing sent
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the administrator’s e-mail address")
    axe.check(page)
    page.get_by_label("Full name").fill("Chris Chief")
    page.get_by_label("E-mail address").fill("chris.chief@newtown.gov.uk")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Invitation sent to chris.chief@newtown.gov.uk")
    expect(page.locator("main .govuk-tag").first).to_have_text("Invited")
    axe.check(page)
    sign_out(page, axe)

    # The council administrator follows the e-mailed link and creates an account.
    page.goto(invitation_link("chris.chief@newtown.gov.uk"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    axe.check(page)
    page.get_by_label("Full name").fill("Chris Chief")
    page.get_by_label("Create a password").fill("a-long-passphrase-1")
    page.get_by_label("Confirm your password").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your council")
    axe.check(page)

    # Accepts the platform agreement.
    page.get_by_role("link", name="Accept the platform agreement").click()
    axe.check(page)
    page.get_by_role("button", name="Accept agreement").click()  # without ticking: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that you accept the agreement")
    axe.check(page)
    page.get_by_label("I accept this agreement").check()
    page.get_by_role("button", name="Accept agreement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You accepted version 1")
    axe.check(page)

    # Enters the finance details; the council becomes active.
    page.get_by_role("link", name="Enter finance details").click()
    axe.check(page)
    page.get_by_label("Invoice address").fill("Town Hall\nNewtown\nNT1 1AA")
    page.get_by_label("Finance team e-mail address").fill("finance@newtown.gov.uk")
    page.get_by_label("Payment terms, in days").fill("200")
    page.get_by_role("group", name=re.compile("purchase order")).get_by_label("Yes").check()
    page.get_by_label("VAT registered", exact=True).check()
    page.get_by_label("VAT registration number").fill("GB123456789")
    page.get_by_label("E-mail domains your colleagues use").fill("newtown.gov.uk")
    page.get_by_role("button", name="Save finance details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Payment terms must be between 1 and 120 days")
    axe.check(page)
    page.get_by_label("Payment terms, in days").fill("30")
    page.get_by_role("button", name="Save finance details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your council")
    expect(page.locator("main .govuk-tag").first).to_have_text("Active")
    axe.check(page)

    # Invites a colleague as a specialist.
    page.get_by_role("link", name="Invite colleagues").click()
    axe.check(page)
    page.get_by_role("button", name="Invite a colleague").click()
    axe.check(page)
    page.get_by_label("Full name").fill("Sam Specialist")
    page.get_by_label("E-mail address").fill("sam.specialist@newtown.gov.uk")
    page.get_by_label("Specialist").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Invitation sent to sam.specialist@newtown.gov.uk"
    )
    expect(page.get_by_role("cell", name="sam.specialist@newtown.gov.uk", exact=True)).to_be_visible()
    axe.check(page)

    council = Council.objects.get(code="NWT")
    assert council.status == CouncilStatus.ACTIVE
    assert User.objects.get(email="chris.chief@newtown.gov.uk").roles == [Role.COUNCIL_ADMIN]
    assert Invitation.objects.get(email="sam.specialist@newtown.gov.uk").roles == [Role.SPECIALIST]
    assert len(axe.pages) >= 20
    assert axe.violations == [], "\n".join(axe.violations)
