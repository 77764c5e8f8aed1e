"""The stored next open week (kept by triggers on the slots) and the soonest sort that reads it: always the
same answer as reading the slots, whatever changed the slots and however stale the stored value."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings import services as bookings
from talentpool import services, weekly_hours
from talentpool.models import SlotStatus, SpecialistProfile, WeekSlot
from talentpool.selectors import SearchParams, specialist_search
from talentpool.weeks import first_future_monday, window_end
from tests.factories import UserFactory, force_fields, specialist_profile

pytestmark = pytest.mark.django_db

NEXT = first_future_monday(timezone.localdate())


def stored(profile):
    return SpecialistProfile.objects.values_list("next_open_week", flat=True).get(pk=profile.pk)


def soonest_by_reading_slots(profile, today):
    """What the soonest week is, worked out the slow way."""
    first = first_future_monday(today)
    last = min(window_end(today), profile.approval_ends_on)
    weeks = WeekSlot.objects.filter(
        profile=profile, status=SlotStatus.OPEN, week_start__gte=first, week_start__lte=last
    ).values_list("week_start", flat=True)
    return min(weeks, default=None)


@pytest.fixture
def listed(other_council):
    profile = specialist_profile(other_council, full_name="Sam", cap=Decimal("10"))
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("3"), starts_on=NEXT, ends_on=None)
    finance = UserFactory(council=other_council, roles=["finance_officer"])
    return services.profile_rate_set(profile=profile, by=finance, amount=Decimal("50"))


def test_the_stored_week_follows_every_change_to_the_slots(listed, council):
    assert stored(listed) == NEXT
    officer = UserFactory(council=council, roles=["booking_officer"])
    booking = bookings.booking_request(officer=officer, profile=listed, weeks={NEXT: Decimal("2")}, brief="Help")
    assert stored(listed) == NEXT + timedelta(weeks=1)  # held
    bookings.booking_accept(booking=booking, by=listed.user)
    assert stored(listed) == NEXT + timedelta(weeks=1)  # booked
    bookings.booking_cancel(booking=booking, by=officer, reason="Plans changed")
    assert stored(listed) == NEXT  # open again
    weekly_hours.slot_withdraw(profile=listed, by=listed.user, week_start=NEXT)
    assert stored(listed) == NEXT + timedelta(weeks=1)
    WeekSlot.objects.filter(profile=listed).update(status=SlotStatus.WITHDRAWN)  # a bulk update too
    assert stored(listed) is None
    WeekSlot.objects.filter(profile=listed, week_start=NEXT + timedelta(weeks=5)).update(status=SlotStatus.OPEN)
    assert stored(listed) == NEXT + timedelta(weeks=5)
    WeekSlot.objects.filter(profile=listed, week_start__gt=NEXT).delete()
    assert stored(listed) is None


def test_a_week_that_has_passed_is_not_taken_as_the_soonest(listed, council):
    """The calendar moves on without touching the table: the search reads the slots instead."""
    viewer = UserFactory(council=council, roles=["booking_officer"])
    with freeze_time(NEXT + timedelta(days=8)):  # NEXT has started; its slot is still marked open
        today = timezone.localdate()
        (result,) = specialist_search(viewer=viewer, params=SearchParams(sort="soonest"))
        assert result.soonest == soonest_by_reading_slots(listed, today) == NEXT + timedelta(weeks=2)


def test_a_weeks_new_hours_reach_the_stored_weeks_and_the_search(listed, council):
    """A minimum of hours and the weeks a result lists read the stored hours: changing one week's hours
    (by the specialist, or a bulk update) changes them at once."""
    viewer = UserFactory(council=council, roles=["booking_officer"])

    def shown(**params):
        results = list(specialist_search(viewer=viewer, params=SearchParams(sort="soonest", **params)))
        return [(r.soonest, r.shown_hours[:2]) for r in results]

    assert shown(min_hours=Decimal("4")) == []
    weekly_hours.slot_hours_set(
        profile=listed, by=listed.user, week_start=NEXT + timedelta(weeks=1), hours=Decimal("4")
    )
    assert shown(min_hours=Decimal("4")) == [(NEXT + timedelta(weeks=1), [Decimal("4")])]
    assert shown() == [(NEXT, [Decimal("3"), Decimal("4")])]
    WeekSlot.objects.filter(profile=listed, week_start=NEXT).update(hours=Decimal("5"))  # a bulk update too
    assert shown(min_hours=Decimal("4")) == [(NEXT, [Decimal("5"), Decimal("4")])]


def test_the_nightly_refresh_brings_stale_values_up_to_date(listed):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE talentpool_specialistprofile SET next_open_week = %s", [NEXT - timedelta(weeks=3)])
    weekly_hours.next_open_weeks_refresh()
    assert stored(listed) == NEXT


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    states=st.lists(st.sampled_from([s.value for s in SlotStatus]), min_size=26, max_size=26),
    days_ahead=st.integers(min_value=-3, max_value=40),
    min_hours=st.sampled_from([None, "2", "4"]),
)
def test_soonest_sort_matches_reading_the_slots(listed, council, states, days_ahead, min_hours):
    """Any mix of slot states, any day (before or after the stored value was computed), any minimum."""
    for slot, state in zip(WeekSlot.objects.filter(profile=listed).order_by("week_start"), states, strict=False):
        force_fields(WeekSlot.objects.filter(pk=slot.pk), status=state, hours=3 if slot.week_start.day % 2 else 5)
    viewer = UserFactory(council=council, roles=["booking_officer"])
    with freeze_time(timezone.localdate() + timedelta(days=days_ahead)):
        today = timezone.localdate()
        results = list(specialist_search(viewer=viewer, params=SearchParams(sort="soonest")))
        expected = soonest_by_reading_slots(listed, today) if results else None
        if results and min_hours is None:
            assert results[0].soonest == expected
        if min_hours:
            hours_results = list(
                specialist_search(viewer=viewer, params=SearchParams(sort="soonest", min_hours=min_hours))
            )
            first = first_future_monday(today)
            last = min(window_end(today), listed.approval_ends_on)
            want = min(
                WeekSlot.objects.filter(
                    profile=listed,
                    status=SlotStatus.OPEN,
                    hours__gte=min_hours,
                    week_start__gte=first,
                    week_start__lte=last,
                ).values_list("week_start", flat=True),
                default=None,
            )
            assert [r.soonest for r in hours_results] == ([want] if want else [])
