"""Weekly hours: the pattern's rolling window, per-week changes, and what the database refuses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from freezegun import freeze_time

from talentpool import approval, services, weekly_hours
from talentpool.models import SlotStatus, WeekSlot
from tests.factories import force_fields
from tests.talentpool.conftest import NEXT_MONDAY, TODAY

pytestmark = pytest.mark.django_db


def weeks(profile):
    return {s.week_start: (s.hours, s.status) for s in profile.slots.order_by("week_start")}


def set_pattern(profile, specialist, **kwargs):
    args = {"hours": Decimal("3"), "starts_on": TODAY, "ends_on": None, "skip_weeks": []} | kwargs
    with freeze_time(TODAY):
        return weekly_hours.pattern_set(profile=profile, by=specialist, **args)


def test_a_pattern_creates_26_future_weeks_and_running_again_changes_nothing(approved, specialist):
    set_pattern(approved, specialist)
    got = weeks(approved)
    assert len(got) == 26
    assert min(got) == NEXT_MONDAY
    assert max(got) == NEXT_MONDAY + timedelta(weeks=25)
    assert all(d.weekday() == 0 for d in got)
    assert set(got.values()) == {(Decimal("3.0"), SlotStatus.OPEN)}
    again = weekly_hours.slots_materialise(profile=approved, today=TODAY)
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert weeks(approved) == got


def test_skipped_weeks_and_the_end_date_are_respected(approved, specialist):
    skip = NEXT_MONDAY + timedelta(weeks=2)
    set_pattern(
        approved,
        specialist,
        ends_on=NEXT_MONDAY + timedelta(weeks=5, days=3),
        skip_weeks=[skip + timedelta(days=2)],
    )
    assert sorted(weeks(approved)) == [NEXT_MONDAY + timedelta(weeks=i) for i in (0, 1, 3, 4, 5)]


def test_the_pattern_cannot_offer_more_than_the_cap(approved, specialist):
    with pytest.raises(services.PoolError, match="weekly cap of 5 hours"):
        set_pattern(approved, specialist, hours=Decimal("6"))
    assert not approved.slots.exists()


def test_a_lower_cap_on_reapproval_lowers_open_weeks(approved, specialist, approver):
    set_pattern(approved, specialist, hours=Decimal("5"))
    approval.profile_approve(
        profile=approved, by=approver, weekly_cap=Decimal("2"), ends_on=TODAY + timedelta(days=300), today=TODAY
    )
    assert {h for h, _s in weeks(approved).values()} == {Decimal("2.0")}


def test_weeks_after_the_approval_ends_are_not_offered(profile, specialist, approver):
    approval.profile_submit(profile=profile, by=specialist)
    approval.profile_approve(
        profile=profile, by=approver, weekly_cap=Decimal("5"), ends_on=NEXT_MONDAY + timedelta(weeks=3), today=TODAY
    )
    set_pattern(profile, specialist)
    assert max(weeks(profile)) == NEXT_MONDAY + timedelta(weeks=3)


def test_the_periodic_extension_rolls_the_window_forward_once(approved, specialist):
    set_pattern(approved, specialist)
    later = TODAY + timedelta(weeks=4)
    first = weekly_hours.slots_extend_all(today=later)
    assert first.created == 4
    assert weekly_hours.slots_extend_all(today=later).created == 0
    assert max(weeks(approved)) == NEXT_MONDAY + timedelta(weeks=29)


def test_a_changed_week_keeps_its_hours_when_the_pattern_changes(approved, specialist):
    set_pattern(approved, specialist)
    week = NEXT_MONDAY + timedelta(weeks=1)
    weekly_hours.slot_hours_set(profile=approved, by=specialist, week_start=week, hours=Decimal("1.5"), today=TODAY)
    set_pattern(approved, specialist, hours=Decimal("4"))
    got = weeks(approved)
    assert got[week] == (Decimal("1.5"), SlotStatus.OPEN)
    assert got[NEXT_MONDAY] == (Decimal("4.0"), SlotStatus.OPEN)


def test_a_withdrawn_week_stays_withdrawn_when_the_pattern_runs(approved, specialist):
    set_pattern(approved, specialist)
    weekly_hours.slot_withdraw(profile=approved, by=specialist, week_start=NEXT_MONDAY, today=TODAY)
    weekly_hours.slots_materialise(profile=approved, today=TODAY)
    assert weeks(approved)[NEXT_MONDAY][1] == SlotStatus.WITHDRAWN


@pytest.mark.parametrize("status", [SlotStatus.HELD, SlotStatus.BOOKED])
def test_held_and_booked_weeks_cannot_be_changed_or_withdrawn_here(approved, specialist, status):
    set_pattern(approved, specialist)
    force_fields(WeekSlot.objects.filter(profile=approved, week_start=NEXT_MONDAY), status=status)
    with pytest.raises(services.PoolError, match=f"is {status.label.lower()} by a booking"):
        weekly_hours.slot_hours_set(
            profile=approved, by=specialist, week_start=NEXT_MONDAY, hours=Decimal("1"), today=TODAY
        )
    with pytest.raises(services.PoolError, match="by a booking"):
        weekly_hours.slot_withdraw(profile=approved, by=specialist, week_start=NEXT_MONDAY, today=TODAY)
    set_pattern(approved, specialist, hours=Decimal("1"), skip_weeks=[NEXT_MONDAY])  # the pattern leaves it alone too
    assert weeks(approved)[NEXT_MONDAY] == (Decimal("3.0"), status)


@pytest.mark.parametrize(
    ("week", "hours", "message"),
    [
        (NEXT_MONDAY - timedelta(weeks=1), Decimal("2"), "has started or passed"),
        (NEXT_MONDAY + timedelta(days=1), Decimal("2"), "starts on a Monday"),
        (NEXT_MONDAY + timedelta(weeks=26), Decimal("2"), "up to 26 weeks ahead"),
        (NEXT_MONDAY, Decimal("0"), "between 0.5 and 48"),
        (NEXT_MONDAY, Decimal("-1"), "between 0.5 and 48"),
        (NEXT_MONDAY, Decimal("6"), "weekly cap of 5 hours"),
        (NEXT_MONDAY, Decimal("1.2"), "in half hours"),
    ],
)
def test_bad_week_edits_are_refused_and_change_nothing(approved, specialist, week, hours, message):
    set_pattern(approved, specialist)
    before = weeks(approved)
    with pytest.raises(services.PoolError, match=message):
        weekly_hours.slot_hours_set(profile=approved, by=specialist, week_start=week, hours=hours, today=TODAY)
    assert weeks(approved) == before


def test_someone_else_cannot_change_a_specialists_weeks(approved, specialist, approver):
    set_pattern(approved, specialist)
    with pytest.raises(services.PoolError, match="only change your own weeks"):
        weekly_hours.slot_withdraw(profile=approved, by=approver, week_start=NEXT_MONDAY, today=TODAY)


def test_the_database_refuses_a_second_row_for_a_week(profile):
    WeekSlot.objects.create(profile=profile, week_start=NEXT_MONDAY, hours=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        WeekSlot.objects.create(profile=profile, week_start=NEXT_MONDAY, hours=3)


@pytest.mark.parametrize(
    ("week_start", "hours"),
    [(date(2026, 12, 1), 2), (NEXT_MONDAY, Decimal("0.3")), (NEXT_MONDAY, Decimal("49"))],
)
def test_the_database_refuses_a_non_monday_or_bad_hours(profile, week_start, hours):
    with pytest.raises(IntegrityError), transaction.atomic():
        WeekSlot.objects.create(profile=profile, week_start=week_start, hours=hours)
