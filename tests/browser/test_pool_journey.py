"""A specialist lists themselves, their approver approves, they set their hours, and an officer of another
council finds them by a phrase from a past project and by an available week. axe on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from councils.models import Role
from talentpool.models import ProfileStatus, SpecialistProfile
from talentpool.weeks import first_future_monday
from tests.browser.helpers import sign_in, sign_out
from tests.factories import ActiveCouncilFactory, UserFactory, agreement_ensure, reference_data_ensure

pytestmark = pytest.mark.django_db(transaction=True)


def test_specialist_is_approved_sets_hours_and_is_found_by_another_council(page, axe):
    agreement_ensure()
    reference_data_ensure()
    home = ActiveCouncilFactory(code="HOM", name="Homeshire Council", short_name="Homeshire", slug="homeshire")
    other = ActiveCouncilFactory(code="OTH", name="Otherton Council", short_name="Otherton", slug="otherton")
    UserFactory(council=home, roles=[Role.SPECIALIST], email="sam@homeshire.gov.uk", full_name="Sam Specialist")
    UserFactory(council=home, roles=[Role.APPROVER], email="ann@homeshire.gov.uk", full_name="Ann Approver")
    UserFactory(council=other, roles=[Role.BOOKING_OFFICER], email="olly@otherton.gov.uk", full_name="Olly Officer")
    in_three_weeks = first_future_monday(timezone.localdate()) + timedelta(weeks=2)
    ends = timezone.localdate() + timedelta(days=200)

    # The specialist writes a profile with a past project and sends it for approval.
    sign_in(page, axe, "sam@homeshire.gov.uk")
    page.get_by_role("link", name="Your profile", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    axe.check(page)
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a headline")
    axe.check(page)
    page.get_by_label("Headline").fill("Revenues and benefits digital lead")
    page.get_by_label("Summary").fill("I help councils modernise how residents claim support.")
    page.get_by_label("User research", exact=True).check()
    page.get_by_label("Other skills (optional)").fill("Council tax, housing benefit")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Profile saved")
    axe.check(page)
    page.get_by_role("button", name="Add a past project").click()
    page.get_by_label("Title").fill("Online council tax reduction scheme")
    page.get_by_label("What was the problem?").fill("Paper claims took weeks to process.")
    page.get_by_label("What did you do?").fill("Designed and launched an online claim with the revenues team.")
    page.get_by_label("What was the outcome?").fill("Claims decided in three days.")
    page.get_by_label("Year").fill("2024")
    axe.check(page)
    page.get_by_role("button", name="Save past project").click()
    expect(page.get_by_role("heading", name="Online council tax reduction scheme (2024)")).to_be_visible()
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sent to your council’s approvers")
    axe.check(page)
    sign_out(page, axe)

    # The approver approves it with a cap and an end date.
    sign_in(page, axe, "ann@homeshire.gov.uk")
    page.get_by_role("link", name="Approvals", exact=True).click()
    axe.check(page)
    page.get_by_role("link", name="Sam Specialist").click()
    axe.check(page)
    page.get_by_label("Weekly hour cap").fill("4")
    page.get_by_label("Day").fill(str(ends.day))
    page.get_by_label("Month").fill(str(ends.month))
    page.get_by_label("Year").fill(str(ends.year))
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Sam Specialist is listed")
    axe.check(page)
    sign_out(page, axe)

    # The specialist sets three hours a week; more than the cap is refused.
    sign_in(page, axe, "sam@homeshire.gov.uk")
    page.get_by_role("link", name="Your hours", exact=True).click()
    axe.check(page)
    page.get_by_label("Hours a week").fill("6")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("weekly cap of 4 hours")
    axe.check(page)
    page.get_by_label("Hours a week").fill("3")
    page.get_by_role("button", name="Save weekly hours").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Weekly hours saved")
    expect(page.get_by_role("row", name=in_three_weeks.strftime("%-d %b %Y"))).to_contain_text("Open")
    axe.check(page)
    sign_out(page, axe)

    # An officer of another council finds them by a phrase from the past project, then by a week.
    sign_in(page, axe, "olly@otherton.gov.uk")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a specialist").click()
    axe.check(page)
    page.get_by_label("What are you starting?").fill("council tax reduction")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("link", name="Sam Specialist")).to_be_visible()
    expect(page.locator(".govuk-summary-card")).to_contain_text("Online council tax reduction scheme")
    axe.check(page)
    page.get_by_label("Available in the week of").select_option(in_three_weeks.isoformat())
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Sam Specialist")).to_be_visible()
    assert f"week={in_three_weeks.isoformat()}" in page.url
    assert "q=council+tax+reduction" in page.url
    axe.check(page)
    page.get_by_label("What are you starting?").fill("zebra crossings")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_text("No specialists match")).to_be_visible()
    page.go_back()
    page.get_by_role("link", name="Sam Specialist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sam Specialist")
    expect(page.get_by_role("link", name=f"Request the week of {in_three_weeks:%-d %B %Y}")).to_be_visible()
    axe.check(page)

    assert SpecialistProfile.objects.get(user__email="sam@homeshire.gov.uk").status == ProfileStatus.APPROVED
    assert axe.violations == [], "\n".join(axe.violations)
