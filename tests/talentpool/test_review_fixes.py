"""Defects found in review, each pinned by a test that failed before its fix."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services as bookings
from councils import members
from notifications.models import OutboundEmail
from talentpool import approval, services, weekly_hours
from talentpool.models import SlotStatus, WeekSlot
from talentpool.selectors import SearchParams, specialist_search
from talentpool.weeks import first_future_monday
from tests.factories import UserFactory, specialist_profile

pytestmark = pytest.mark.django_db

NEXT = first_future_monday(timezone.localdate())


@pytest.fixture
def listed(other_council):
    profile = specialist_profile(other_council, full_name="Lee Listed")
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("3"), starts_on=NEXT, ends_on=None)
    finance = UserFactory(council=other_council, roles=["finance_officer"])
    return services.profile_rate_set(profile=profile, by=finance, amount=Decimal("40"))


@pytest.fixture
def approver(listed):
    return listed.council.users.filter(roles__contains=["approver"]).first()


@pytest.mark.parametrize("action", ["approval_return", "approval_withdraw"])
def test_return_and_withdraw_pages_render_and_explain_a_missing_reason(client, listed, approver, action):
    client.force_login(approver)
    url = reverse(f"talentpool:{action}", args=[listed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_removed_specialist_is_no_longer_listed_or_bookable(listed, officer, other_council):
    admin = other_council.users.filter(roles__contains=["council_admin"]).first()
    members.member_remove(member=listed.user, by=admin)
    assert list(specialist_search(viewer=officer, params=SearchParams())) == []
    with pytest.raises(bookings.BookingError, match="no longer approved"):
        bookings.booking_request(officer=officer, profile=listed, weeks={NEXT: Decimal("3")}, brief="Help")


def test_weeks_after_the_approval_ends_cannot_be_offered_found_or_booked(listed, officer):
    listed.approval_ends_on = NEXT + timedelta(weeks=2)
    listed.save()
    late = NEXT + timedelta(weeks=6)
    with pytest.raises(services.PoolError, match="permission ends on"):
        weekly_hours.slot_hours_set(profile=listed, by=listed.user, week_start=late, hours=Decimal("2"))
    assert WeekSlot.objects.filter(
        profile=listed, week_start=late, status=SlotStatus.OPEN
    ).exists()  # pattern, pre-dating
    assert list(specialist_search(viewer=officer, params=SearchParams(week=late))) == []
    with pytest.raises(bookings.BookingError, match="permission for Lee Listed ends on"):
        bookings.booking_request(officer=officer, profile=listed, weeks={late: Decimal("3")}, brief="Help")


@pytest.mark.parametrize("value", ["NaN", "Infinity", "2.49", "1e9"])
def test_odd_numbers_for_hours_are_refused_with_a_message(client, listed, value):
    with pytest.raises(services.PoolError):
        weekly_hours.slot_hours_set(profile=listed, by=listed.user, week_start=NEXT, hours=Decimal(value))
    client.force_login(listed.user)
    response = client.post(reverse("talentpool:week", args=[NEXT.isoformat()]), {"hours": value})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_specialist_cannot_set_their_own_rate(listed):
    listed.user.roles = ["specialist", "finance_officer"]
    listed.user.save()
    with pytest.raises(services.PoolError, match="cannot set your own hourly rate"):
        services.profile_rate_set(profile=listed, by=listed.user, amount=Decimal("999"))
    listed.refresh_from_db()
    assert listed.hourly_rate.amount == 40


def test_withdrawal_tells_the_booking_council_and_blocks_accepting(listed, approver, officer):
    booking = bookings.booking_request(officer=officer, profile=listed, weeks={NEXT: Decimal("3")}, brief="Help")
    approval.profile_withdraw(profile=listed, by=approver, reason="Restructure")
    assert OutboundEmail.objects.filter(kind="profile_withdrawn", to=officer.email).exists()
    with pytest.raises(bookings.BookingError, match="can no longer accept"):
        bookings.booking_accept(booking=booking, by=listed.user)
    bookings.booking_decline(booking=booking, by=listed.user, reason="Permission withdrawn")
