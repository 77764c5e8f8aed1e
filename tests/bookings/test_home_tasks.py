"""The home page as a task list: each waiting item appears, a done item disappears, another council's items
never appear."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services, timesheets
from talentpool import approval
from tests.factories import UserFactory, specialist_profile

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_specialist_sees_requests_to_answer_until_answered(client, booker, listed, next_monday):
    booking = services.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("2")}, brief="B")
    page = home(client, listed.user)
    assert f"Answer {booker.council.short_name}’s request" in page
    assert reverse("bookings:detail", args=[booking.pk]) in page
    assert "Your profile is approved until" in page
    services.booking_accept(booking=booking, by=listed.user)
    page = home(client, listed.user)
    assert "request</a>" not in page
    assert f"the week of {next_monday:%-d %B} for {booker.council.short_name}" in page  # next booked


def test_an_officer_sees_hours_to_confirm_until_confirmed_and_never_another_councils(
    client, booker, listed, next_monday, other_council
):
    from freezegun import freeze_time

    booking = services.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("2")}, brief="B")
    page = home(client, booker)
    assert f"{listed.user.full_name} ({listed.council.short_name}) has until the end of" in page
    services.booking_accept(booking=booking, by=listed.user)
    stranger = UserFactory(council=other_council, roles=["booking_officer"])
    with freeze_time(next_monday + timedelta(days=8)):
        week = booking.weeks.get()
        sheet = timesheets.timesheet_submit(week=week, by=listed.user, hours=Decimal("2"), note="")
        page = home(client, booker)
        assert f"Confirm or dispute {listed.user.full_name}’s hours" in page
        assert "Confirm or dispute" not in home(client, stranger)  # another council's hours
        client.force_login(booker)
        story = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
        assert reverse("bookings:timesheet_confirm", args=[sheet.pk]) in story  # the action, on the booking's page
        timesheets.timesheet_confirm(timesheet=sheet, by=booker)
        page = home(client, booker)
        assert "Confirm or dispute" not in page
        assert f"Leave feedback on {listed.user.full_name}’s work" in page


def test_an_approver_sees_profiles_waiting_until_approved(client, other_council):
    approver = UserFactory(council=other_council, roles=["approver"])
    waiting = specialist_profile(other_council, approve=False, full_name="Wendy Waiting")
    approval.profile_submit(profile=waiting, by=waiting.user)
    elsewhere = specialist_profile(UserFactory(roles=["approver"]).council, approve=False, full_name="Ozzy Other")
    approval.profile_submit(profile=elsewhere, by=elsewhere.user)
    page = home(client, approver)
    assert "1 profile waiting for your approval" in page
    assert "Wendy Waiting" in page
    assert "Ozzy Other" not in page
    approval.profile_approve(
        profile=waiting, by=approver, weekly_cap=Decimal("4"), ends_on=timezone.localdate() + timedelta(days=200)
    )
    page = home(client, approver)
    assert "waiting for your approval" not in page


def test_an_administrator_sees_people_asking_to_join_and_members_without_a_role(client, council, other_council):
    from councils.models import MembershipStatus

    admin = UserFactory(council=council, roles=["council_admin"])
    asking = UserFactory(council=council, roles=[], membership_status=MembershipStatus.PENDING, full_name="Pat Pending")
    UserFactory(council=other_council, roles=[], membership_status=MembershipStatus.PENDING, full_name="Oli Other")
    roleless = UserFactory(council=council, roles=[], full_name="Nora Norole")
    page = home(client, admin)
    assert "Pat Pending asks to join" in page
    assert reverse("council:signup_review", args=[asking.pk]) in page
    assert "Give Nora Norole a role" in page
    assert "Oli Other" not in page  # another council's sign-up
    roleless.roles = ["booking_officer"]
    roleless.save()
    assert "Give Nora Norole a role" not in home(client, admin)


def test_a_long_list_shows_the_first_five_and_links_to_the_rest(client, booker, listed, next_monday):
    """Seven requests awaiting an answer: the officer's home names five, the specialist's too, and each
    says how many more there are, linked to the page that lists them all."""
    for week in range(7):
        services.booking_request(
            officer=booker, profile=listed, weeks={next_monday + timedelta(weeks=week): Decimal("1")}, brief="B"
        )
    page = home(client, booker)
    assert page.count("has until the end of") == 5
    assert "2 more requests awaiting an answer" in page
    assert f'href="{reverse("bookings:list")}">2 more requests' in page
    page = home(client, listed.user)
    assert page.count(f"Answer {booker.council.short_name}’s request") == 5
    assert f'href="{reverse("bookings:requests")}">2 more requests to answer' in page
