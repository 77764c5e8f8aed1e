"""Weekly hours: the specialist's pattern, the week slots it materialises a rolling window ahead, and
changes to single weeks. Slots move through `slot_machine` (bookings holds, books and releases them too)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from audit.transitions import StateMachine
from councils.models import User

from .models import (
    SLOT_MOVES,
    AvailabilityPattern,
    ProfileStatus,
    SlotStatus,
    SpecialistProfile,
    WeekSlot,
)
from .services import PoolError, hours_checked, local_today, profile_locked
from .weeks import first_future_monday, monday_of, mondays, window_end

# Slots move as consequences of a specialist's change or a booking's move, which is what records them.
slot_machine: StateMachine[WeekSlot] = StateMachine(
    moves=SLOT_MOVES, labels=SlotStatus, error=PoolError, noun="This week"
)


@dataclass
class MaterialiseResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def pattern_set(
    *,
    profile: SpecialistProfile,
    by: User,
    hours: Decimal,
    starts_on: date,
    ends_on: date | None,
    skip_weeks: Iterable[date] = (),
) -> AvailabilityPattern:
    profile = profile_locked(profile)
    if profile.user_id != by.pk:
        raise PoolError("You can only set your own hours")
    hours = hours_checked(hours, cap=profile.weekly_cap, what="Hours a week")
    if ends_on is not None and ends_on < starts_on:
        raise PoolError("The end date must be on or after the start date")
    skips = sorted({monday_of(d) for d in skip_weeks})
    pattern, _created = AvailabilityPattern.objects.update_or_create(
        profile=profile,
        defaults={"hours": hours, "starts_on": starts_on, "ends_on": ends_on, "skip_weeks": skips},
    )
    slots_materialise(profile=profile)
    return pattern


def _pattern_weeks(*, profile: SpecialistProfile, today: date) -> dict[date, Decimal]:
    """The weeks the pattern offers inside the rolling window, with their hours (capped)."""
    pattern = getattr(profile, "pattern", None)
    if pattern is None:
        return {}
    last = window_end(today)
    if pattern.ends_on:
        last = min(last, monday_of(pattern.ends_on))
    if profile.status == ProfileStatus.APPROVED and profile.approval_ends_on:
        last = min(last, monday_of(profile.approval_ends_on))
    first = max(first_future_monday(today), monday_of(pattern.starts_on))
    hours = min(pattern.hours, profile.weekly_cap) if profile.weekly_cap else pattern.hours
    skips = set(pattern.skip_weeks)
    return {week: hours for week in mondays(first, last) if week not in skips}


@transaction.atomic
def slots_materialise(*, profile: SpecialistProfile, today: date | None = None) -> MaterialiseResult:
    """Make the open future weeks match the pattern and the cap. Idempotent.

    Weeks the specialist changed by hand keep their hours (capped); withdrawn, held and booked weeks are
    never touched; weeks the pattern no longer offers are removed while still open.
    """
    today = today or local_today()
    profile = profile_locked(profile)
    wanted = _pattern_weeks(profile=profile, today=today)
    result = MaterialiseResult()
    future = profile.slots.select_for_update().filter(week_start__gte=first_future_monday(today))
    existing = {slot.week_start: slot for slot in future}
    for week, slot in existing.items():
        if slot.status != SlotStatus.OPEN:
            continue
        if slot.from_pattern and week not in wanted:
            slot.delete()
            result.removed += 1
            continue
        target = wanted.get(week, slot.hours) if slot.from_pattern else slot.hours
        if profile.weekly_cap:
            target = min(target, profile.weekly_cap)
        if slot.hours != target:
            slot.hours = target
            slot.save(update_fields=["hours", "updated_at"])
            result.updated += 1
    new = [WeekSlot(profile=profile, week_start=w, hours=h) for w, h in wanted.items() if w not in existing]
    WeekSlot.objects.bulk_create(new, ignore_conflicts=True)
    result.created = len(new)
    return result


def next_open_weeks_refresh() -> None:
    """Recompute every stored next open week that the calendar has overtaken (nightly; the triggers on
    the slots keep it right between times, and the search never trusts a value in the past)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT talentpool_next_open_week_refresh(ARRAY(SELECT id FROM talentpool_specialistprofile "
            "WHERE next_open_week < talentpool_first_future_monday()))"
        )


def slots_extend_all(*, today: date | None = None) -> MaterialiseResult:
    """Beat: roll every pattern's window forward. Running it twice changes nothing."""
    total = MaterialiseResult()
    ids = AvailabilityPattern.objects.exclude(
        profile__status__in=[ProfileStatus.WITHDRAWN, ProfileStatus.EXPIRED]
    ).values_list("profile_id", flat=True)
    for profile in SpecialistProfile.objects.filter(pk__in=list(ids)):
        result = slots_materialise(profile=profile, today=today)
        total.created += result.created
        total.updated += result.updated
        total.removed += result.removed
    next_open_weeks_refresh()
    return total


def _editable_slot(*, profile: SpecialistProfile, by: User, week_start: date, today: date) -> WeekSlot | None:
    if profile.user_id != by.pk:
        raise PoolError("You can only change your own weeks")
    if week_start.weekday() != 0:
        raise PoolError("A week starts on a Monday")
    if week_start < first_future_monday(today):
        raise PoolError("That week has started or passed, so it cannot be changed")
    if week_start > window_end(today):
        raise PoolError("You can set hours up to 26 weeks ahead")
    slot = profile.slots.select_for_update().filter(week_start=week_start).first()
    if slot is not None and slot.status in (SlotStatus.HELD, SlotStatus.BOOKED):
        raise PoolError(
            f"The week of {week_start:%-d %B} is {SlotStatus(slot.status).label.lower()} by a booking, "
            "so it cannot be changed here"
        )
    return slot


@transaction.atomic
def slot_hours_set(
    *, profile: SpecialistProfile, by: User, week_start: date, hours: Decimal, today: date | None = None
) -> WeekSlot:
    """Offer `hours` in one future week (creating the week, or reopening a withdrawn one)."""
    today = today or local_today()
    profile = profile_locked(profile)
    slot = _editable_slot(profile=profile, by=by, week_start=week_start, today=today)
    hours = hours_checked(hours, cap=profile.weekly_cap)
    if profile.status == ProfileStatus.APPROVED and profile.approval_ends_on and week_start > profile.approval_ends_on:
        raise PoolError(
            f"Your council’s permission ends on {profile.approval_ends_on:%-d %B %Y}, so you cannot offer later weeks"
        )
    if slot is None:
        return WeekSlot.objects.create(profile=profile, week_start=week_start, hours=hours, from_pattern=False)
    slot.hours = hours
    if slot.status != SlotStatus.OPEN:
        slot_machine.move(slot, to=SlotStatus.OPEN)
    slot.from_pattern = False
    slot.save(update_fields=["hours", "status", "from_pattern", "updated_at"])
    return slot


@transaction.atomic
def slot_withdraw(*, profile: SpecialistProfile, by: User, week_start: date, today: date | None = None) -> WeekSlot:
    today = today or local_today()
    profile = profile_locked(profile)
    slot = _editable_slot(profile=profile, by=by, week_start=week_start, today=today)
    if slot is None or slot.status != SlotStatus.OPEN:
        raise PoolError("You are not offering hours that week")
    slot_machine.move(slot, to=SlotStatus.WITHDRAWN)
    slot.from_pattern = False
    slot.save(update_fields=["status", "from_pattern", "updated_at"])
    return slot
