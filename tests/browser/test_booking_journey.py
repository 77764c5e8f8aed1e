"""An officer books two weeks, the specialist accepts, the weeks pass, the specialist records hours, and the
officer confirms them and leaves feedback. axe on every page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking, BookingStatus, BookingWeek, Feedback, TimesheetStatus
from councils.models import Role
from talentpool import services as pool
from talentpool import weekly_hours
from talentpool.models import WeekSlot
from talentpool.weeks import first_future_monday
from tests.browser.helpers import sign_in, sign_out
from tests.factories import (
    ActiveCouncilFactory,
    UserFactory,
    agreement_ensure,
    reference_data_ensure,
    specialist_profile,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_books_two_weeks_specialist_works_them_officer_confirms_and_rates(page, axe):
    agreement_ensure()
    reference_data_ensure()
    home = ActiveCouncilFactory(code="HOM", name="Homeshire Council", short_name="Homeshire", slug="homeshire")
    other = ActiveCouncilFactory(code="OTH", name="Otherton Council", short_name="Otherton", slug="otherton")
    profile = specialist_profile(
        home, email="sam@homeshire.gov.uk", full_name="Sam Specialist", headline="Repairs lead"
    )
    first = first_future_monday(timezone.localdate())
    second = first + timedelta(weeks=1)
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("3"), starts_on=first, ends_on=None)
    pool.profile_rate_set(
        profile=profile, by=UserFactory(council=home, roles=[Role.FINANCE_OFFICER]), amount=Decimal("50")
    )
    UserFactory(council=other, roles=[Role.BOOKING_OFFICER], email="olly@otherton.gov.uk", full_name="Olly Officer")

    # The officer requests two weeks.
    sign_in(page, axe, "olly@otherton.gov.uk")
    page.goto(f"/pool/specialists/{profile.pk}/")
    axe.check(page)
    page.get_by_role("link", name=f"Request the week of {first:%-d %B %Y}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request their time")
    axe.check(page)
    page.get_by_label(f"Request the week of {second:%-d %B %Y}").check()
    page.get_by_label(f"Hours in the week of {second:%-d %B %Y}").fill("2")
    page.get_by_label("Brief").fill("Help us redesign how tenants report repairs")
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Request sent")
    axe.check(page)
    sign_out(page, axe)

    # The specialist accepts.
    sign_in(page, axe, "sam@homeshire.gov.uk")
    page.get_by_role("link", name="Your bookings", exact=True).click()
    expect(page.get_by_text("Help us redesign how tenants report repairs")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name="Accept the request from Otherton").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You accepted the booking")
    axe.check(page)

    # Time passes: both weeks are now in the past.
    booking = Booking.objects.get()
    for week in BookingWeek.objects.filter(booking=booking):
        past = week.week_start - timedelta(weeks=4)
        WeekSlot.objects.filter(pk=week.slot_id).update(week_start=past)
        BookingWeek.objects.filter(pk=week.pk).update(week_start=past)
    weeks = list(BookingWeek.objects.filter(booking=booking).order_by("week_start"))

    # The specialist records hours for both weeks; more than booked is refused.
    page.reload()
    page.get_by_role("link", name=f"Record your hours for the week of {weeks[0].week_start:%-d %B %Y}").click()
    axe.check(page)
    page.get_by_label("Hours worked").fill("5")
    page.get_by_role("button", name="Record hours").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("more than the 3 hours booked")
    axe.check(page)
    page.get_by_label("Hours worked").fill("3")
    page.get_by_label("Note (optional)").fill("Two workshops and a report")
    page.get_by_role("button", name="Record hours").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Hours recorded")
    page.get_by_role("link", name=f"Record your hours for the week of {weeks[1].week_start:%-d %B %Y}").click()
    page.get_by_label("Hours worked").fill("1.5")
    page.get_by_role("button", name="Record hours").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Hours recorded")
    axe.check(page)
    sign_out(page, axe)

    # The officer confirms both and leaves feedback.
    sign_in(page, axe, "olly@otherton.gov.uk")
    page.get_by_role("link", name="Bookings", exact=True).click()
    expect(page.get_by_role("heading", name="Hours to confirm")).to_be_visible()
    axe.check(page)
    page.get_by_role("button", name=f"Confirm hours for Sam Specialist, week of {weeks[0].week_start:%-d %B}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Hours confirmed")
    page.get_by_role("button", name=f"Confirm hours for Sam Specialist, week of {weeks[1].week_start:%-d %B}").click()
    page.get_by_role("link", name="Leave feedback for Sam Specialist").click()
    axe.check(page)
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a rating from 1 to 5")
    axe.check(page)
    page.get_by_label("4: good").check()
    page.get_by_label("Comment (optional)").fill("Practical and quick")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Thank you")
    axe.check(page)
    page.goto(f"/pool/specialists/{profile.pk}/")
    expect(page.get_by_text("Practical and quick")).to_be_visible()
    axe.check(page)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert [w.timesheet.status for w in booking.weeks.order_by("week_start")] == [TimesheetStatus.CONFIRMED] * 2
    assert [w.timesheet.billable_hours for w in booking.weeks.order_by("week_start")] == [3, 1.5]
    assert Feedback.objects.get().rating == 4
    assert axe.violations == [], "\n".join(axe.violations)
