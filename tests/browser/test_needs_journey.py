"""With JavaScript off: an officer posts a need (a mistake first, every error at once), publishes it; the
specialist whose past work fits answers from their home page; the officer compares the answers and books
from one; the specialist accepts. Every step by following links; axe on every page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking, BookingStatus
from councils.models import Role
from needs.models import Need, NeedStatus
from talentpool import services as pool
from talentpool import weekly_hours
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


def test_officer_posts_a_need_specialist_answers_officer_books_specialist_accepts(
    page_without_js, mirrored_axe, axe, settings
):
    page = page_without_js
    settings.EMAIL_URL = "dummymail://"
    agreement_ensure()
    reference_data_ensure()
    home = ActiveCouncilFactory(code="HOM", name="Homeshire Council", short_name="Homeshire", slug="homeshire")
    other = ActiveCouncilFactory(code="OTH", name="Otherton Council", short_name="Otherton", slug="otherton")
    profile = specialist_profile(home, email="sam@homeshire.gov.uk", full_name="Sam Patel", headline="Waste lead")
    pool.past_project_save(
        profile=profile,
        by=profile.user,
        title="Tackling fly-tipping hotspots with cameras",
        problem="Rubbish dumped in back lanes.",
        what_i_did="Cameras and enforcement.",
        outcome="Reports halved.",
        year=2025,
    )
    first = first_future_monday(timezone.localdate())
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("4"), starts_on=first, ends_on=None)
    pool.profile_rate_set(
        profile=profile, by=UserFactory(council=home, roles=[Role.FINANCE_OFFICER]), amount=Decimal("50")
    )
    UserFactory(council=other, roles=[Role.BOOKING_OFFICER], email="olly@otherton.gov.uk", full_name="Olly Officer")
    week = first + timedelta(weeks=3)
    closes = week - timedelta(days=5)

    # The officer posts a need: with nothing chosen, every problem is listed at once.
    sign_in(page, mirrored_axe, "olly@otherton.gov.uk")
    page.get_by_role("link", name="Needs", exact=True).click()
    mirrored_axe.check(page)
    page.get_by_role("link", name="Post a need").click()
    page.get_by_role("button", name="Save and check").click()
    summary = page.locator(".govuk-error-summary")
    for message in ("Enter what your council is starting", "Enter the problem", "Choose at least one week"):
        expect(summary).to_contain_text(message)
    mirrored_axe.check(page)
    page.get_by_label("What is your council starting?").fill("Stopping illegal dumping in back lanes")
    page.get_by_label("The problem").fill("Fly-tipping in alleys keeps coming back after each clear-up.")
    page.get_by_label("The help you want").fill("Advice on CCTV and enforcement.")
    page.get_by_label(f"Week of {week:%-d %B %Y}").check()
    page.get_by_label("Hours a week").fill("3")
    page.get_by_label("Day").fill(str(closes.day))
    page.get_by_label("Month").fill(str(closes.month))
    page.get_by_label("Year").fill(str(closes.year))
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved as a draft")
    mirrored_axe.check(page)
    page.get_by_role("button", name="Publish and tell the specialists who fit").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 specialist who fits")
    mirrored_axe.check(page)
    sign_out(page, mirrored_axe)

    # The specialist answers from their home page.
    sign_in(page, mirrored_axe, "sam@homeshire.gov.uk")
    mirrored_axe.check(page)
    page.get_by_role("link", name="Otherton needs help with Stopping illegal dumping in back lanes").click()
    mirrored_axe.check(page)
    page.get_by_role("link", name="Answer this need").click()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a short note")
    mirrored_axe.check(page)
    page.get_by_label("Your answer").fill("I ran Leeds's fly-tipping cameras; happy to help.")
    page.get_by_label(f"Week of {week:%-d %B %Y}").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Answer sent")
    mirrored_axe.check(page)
    sign_out(page, mirrored_axe)

    # The officer reads the answer from their home page and books from it.
    sign_in(page, mirrored_axe, "olly@otherton.gov.uk")
    page.get_by_role("link", name="1 answer to “Stopping illegal dumping in back lanes”").click()
    expect(page.get_by_text("I ran Leeds's fly-tipping cameras")).to_be_visible()
    mirrored_axe.check(page)
    page.get_by_role("link", name="Request a booking of Sam Patel").click()
    mirrored_axe.check(page)
    page.get_by_role("button", name="Send the booking request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Booking request sent to Sam Patel")
    mirrored_axe.check(page)
    sign_out(page, mirrored_axe)
    assert Need.objects.get().status == NeedStatus.FILLED

    # The specialist accepts, as any request.
    sign_in(page, mirrored_axe, "sam@homeshire.gov.uk")
    page.get_by_role("link", name="Answer Otherton’s request").click()
    page.get_by_role("button", name="Accept").click()
    mirrored_axe.check(page)
    assert Booking.objects.get().status == BookingStatus.ACCEPTED
    sign_out(page, mirrored_axe)
    assert not axe.violations, "\n".join(axe.violations)
