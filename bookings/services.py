"""Booking rules: request (holds the weeks, all or none), accept, decline, expire, cancel.

Every move goes through `booking_machine` (the map is BOOKING_MOVES beside the model); a forbidden one raises
`BookingError`; each writes a `BookingEvent`. The slot
rows are locked in week order before any is read, and a partial unique index allows one live booking per
week, so a race for a week has exactly one winner.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from audit.transitions import StateMachine
from core.errors import DomainError
from core.hours import hours_problem, hours_text, hours_words
from councils.models import Council, Role, User
from councils.selectors import council_can_transact, council_read_with_standing
from talentpool.models import SlotStatus, SpecialistProfile, WeekSlot
from talentpool.selectors import profile_is_listed, profile_listed_as_read
from talentpool.weekly_hours import slot_machine
from talentpool.weeks import first_future_monday

from .emails import booking_email
from .models import (
    BOOKING_MOVES,
    WEEK_MOVES,
    Booking,
    BookingEvent,
    BookingStatus,
    BookingWeek,
    Feedback,
    WeekStatus,
)
from .selectors import is_booking_customer
from .working_days import working_days_deadline


@dataclass
class BookingError(DomainError):
    """A refused booking move. `open_weeks` offers the specialist's other open weeks after a lost race."""

    message: str
    open_weeks: list[date] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


def _audit(*, booking: Booking, action: str, by: User | None, before: dict, after: dict, note: str = "") -> None:
    audit_record(
        actor=by,
        action=f"booking.{action}",
        obj=booking,
        councils=[booking.supplier_council_id, booking.customer_council_id],
        before=before,
        after=after,
        note=note,
        label=f"Booking {booking.pk}",
    )


def _booking_history(booking: Booking, before: str, to: str, by: User | None, note: str) -> None:
    BookingEvent.objects.create(booking=booking, from_status=before, to_status=to, by=by, reason=note)


booking_machine: StateMachine[Booking] = StateMachine(
    moves=BOOKING_MOVES,
    labels=BookingStatus,
    error=BookingError,
    noun="This booking",
    audit_action="booking",
    audit_councils=lambda booking: [booking.supplier_council_id, booking.customer_council_id],
    audit_label=lambda booking: f"Booking {booking.pk}",
    history=_booking_history,
    refusal=lambda booking, current, to: (
        f"This booking is {BookingStatus(current).label.lower()}, so it cannot be {BookingStatus(to).label.lower()}."
    ),
)

# A week's move is recorded by its booking's move (or, for one cancelled week, by the event written with it).
week_machine: StateMachine[BookingWeek] = StateMachine(
    moves=WEEK_MOVES, labels=WeekStatus, error=BookingError, noun="This week"
)


def _move(*, booking: Booking, to: str, by: User | None, reason: str = "") -> None:
    booking_machine.move(booking, to=to, by=by, note=reason)


def _open_weeks(profile: SpecialistProfile, *, today: date) -> list[date]:
    return list(
        profile.slots.filter(status=SlotStatus.OPEN, week_start__gte=first_future_monday(today))
        .order_by("week_start")
        .values_list("week_start", flat=True)[:8]
    )


def _parties_checked(*, officer: User, profile: SpecialistProfile, today: date) -> tuple[Council, SpecialistProfile]:
    """Both councils can transact, the officer books for theirs, the specialist is listed with a rate.
    Returns the customer council and the profile, locked."""
    if not officer.has_role(Role.BOOKING_OFFICER) or officer.council_id is None:
        raise BookingError("Only a booking officer can request a specialist’s time")
    customer, can_transact = council_read_with_standing(pk=officer.council_id)  # fresh: it may have changed
    if not can_transact:
        raise BookingError(
            f"{customer.short_name} cannot book at the moment: it is not active on the current agreement"
        )
    # The profile's row only: a change to its council or member locks that row first, then (by trigger) this
    # one, to update listed_standing; locking theirs here too would take the two in the other order.
    profile = (
        SpecialistProfile.objects.select_for_update(of=("self",)).select_related("council", "user").get(pk=profile.pk)
    )
    if profile.council_id == customer.pk:
        raise BookingError("You cannot book someone from your own council through the pool")
    if not profile_listed_as_read(profile=profile, today=today):  # its council able to transact included
        if not council_can_transact(council=profile.council):
            raise BookingError(f"{profile.council.short_name} cannot be booked at the moment")
        raise BookingError(f"{profile.user.full_name} is no longer approved to offer time")
    if profile.hourly_rate is None:
        raise BookingError(f"{profile.council.short_name} has not set {profile.user.full_name}’s hourly rate yet")
    return customer, profile


def _request_checked(*, customer: Council, weeks: Mapping[date, Decimal], brief: str, po_number: str) -> None:
    if not weeks:
        raise BookingError("Choose at least one week")
    if not brief.strip():
        raise BookingError("Enter a brief of the work")
    if customer.po_required and not po_number.strip():
        raise BookingError(f"{customer.short_name} needs a purchase order number on every booking")
    for hours in weeks.values():
        if problem := hours_problem(hours):
            raise BookingError(problem)


def _slots_locked(*, profile: SpecialistProfile, weeks: list[date]) -> dict[date, WeekSlot]:
    """The specialist's slots for these weeks, locked always in week order before any is read."""
    return {
        s.week_start: s
        for s in WeekSlot.objects.select_for_update()
        .filter(profile=profile, week_start__in=weeks)
        .order_by("week_start")
    }


def _week_checked(
    *, profile: SpecialistProfile, week: date, hours: Decimal, slot: WeekSlot | None, today: date
) -> None:
    """One requested week: not started, within the permission, offered and open, within what is offered."""
    if week < first_future_monday(today):
        raise BookingError(f"The week of {week:%-d %B %Y} has already started")
    assert profile.approval_ends_on is not None  # listed (_parties_checked), so its approval runs to a date
    if week > profile.approval_ends_on:
        raise BookingError(
            f"{profile.council.short_name}’s permission for {profile.user.full_name} ends on "
            f"{profile.approval_ends_on:%-d %B %Y}, before the week of {week:%-d %B}"
        )
    if slot is None or slot.status != SlotStatus.OPEN:
        raise BookingError(
            f"The week of {week:%-d %B %Y} has just been taken or is no longer offered. Nothing has been requested.",
            open_weeks=[w for w in _open_weeks(profile, today=today) if w != week],
        )
    _week_hours_checked(profile=profile, week=week, hours=hours, offered=slot.hours)


def _week_hours_checked(*, profile: SpecialistProfile, week: date, hours: Decimal, offered: Decimal) -> None:
    if problem := week_hours_problem(profile=profile, week=week, hours=hours, offered=offered):
        raise BookingError(problem)


def week_hours_problem(*, profile: SpecialistProfile, week: date, hours: Decimal, offered: Decimal) -> str | None:
    """What is wrong with asking for `hours` in one week, if anything: more than the week's offer, the
    employer's weekly cap or (unless opted out) the working time limit. The request form asks it for every
    week at once, so every problem shows together; the service asks again under its locks."""
    if hours > offered:
        return f"{profile.user.full_name} offers {hours_words(offered)} in the week of {week:%-d %B}"
    if profile.weekly_cap is not None and hours > profile.weekly_cap:
        return f"That is more than {profile.council.short_name}’s weekly cap of {hours_text(profile.weekly_cap)} hours"
    limit = settings.WORKING_TIME_LIMIT_HOURS
    if not profile.working_time_opt_out and profile.contracted_hours + hours > limit:
        return (
            f"{hours_words(hours)} in the week of {week:%-d %B} would take {profile.user.full_name} past "
            f"{limit} hours that week with their contracted {hours_text(profile.contracted_hours)} hours"
        )
    return None


@transaction.atomic
def booking_request(
    *,
    officer: User,
    profile: SpecialistProfile,
    weeks: Mapping[date, Decimal],
    brief: str,
    po_number: str = "",
    cost_centre: str = "",
    now: datetime | None = None,
) -> Booking:
    """Hold every requested week for `officer`'s council, or none of them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    customer, profile = _parties_checked(officer=officer, profile=profile, today=today)
    _request_checked(customer=customer, weeks=weeks, brief=brief, po_number=po_number)
    wanted = dict(weeks)
    slots = _slots_locked(profile=profile, weeks=list(wanted))
    for week, hours in sorted(wanted.items()):
        _week_checked(profile=profile, week=week, hours=hours, slot=slots.get(week), today=today)
    assert profile.hourly_rate is not None  # _parties_checked refused a profile without one

    booking = Booking.objects.create(
        profile=profile,
        supplier_council=profile.council,
        customer_council=customer,
        officer=officer,
        brief=brief.strip(),
        po_number=po_number.strip(),
        cost_centre=cost_centre.strip(),
        hourly_rate=profile.hourly_rate,
        requested_at=now,
        answer_by=working_days_deadline(now, settings.BOOKING_ANSWER_WORKING_DAYS),
    )
    try:  # no savepoint: the error leaves this function's transaction, which is rolled back whole
        weeks_held = BookingWeek.objects.bulk_create(
            [BookingWeek(booking=booking, slot=slots[w], week_start=w, hours=h) for w, h in sorted(wanted.items())]
        )
    except IntegrityError as exc:  # the database's own guard: one live booking per week
        raise BookingError("One of those weeks has just been taken. Nothing has been requested.") from exc
    # every one of these slots is locked and was read open (_week_checked)
    slot_machine.move_many(
        WeekSlot.objects.filter(pk__in=[slots[w].pk for w in wanted]), to=SlotStatus.HELD, read_as=SlotStatus.OPEN
    )
    BookingEvent.objects.create(booking=booking, to_status=BookingStatus.REQUESTED, by=officer)
    _audit(
        booking=booking,
        action="requested",
        by=officer,
        before={},
        after={
            "status": BookingStatus.REQUESTED,
            "weeks": {w.isoformat(): hours_text(h) for w, h in sorted(wanted.items())},
            "hourly_rate": booking.hourly_rate,
        },
    )
    booking_email(
        profile.user,
        kind="booking_requested",
        booking=booking,
        weeks=weeks_held,  # as written, not read back
        template="emails/booking_requested",
        subject=f"{customer.short_name} asks to book your time: please answer by {booking.answer_by_day:%-d %B}",
    )
    return booking


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("profile__user", "officer", "customer_council")
        .get(pk=booking.pk)
    )


def _release(booking: Booking, *, reason: str, today: date, weeks=None) -> None:
    """Release live weeks: their slots open again if the week is still in the future."""
    # The specialist's profile first, then the slots: the order booking_request takes them in (reopening a
    # slot updates the profile's stored next open week), so the two cannot deadlock.
    SpecialistProfile.objects.select_for_update().filter(pk=booking.profile_id).values_list("pk").first()
    weeks = list(
        weeks
        if weeks is not None
        else booking.weeks.select_for_update().filter(status__in=[WeekStatus.HELD, WeekStatus.BOOKED])
    )
    for week in weeks:
        week_machine.move(week, to=WeekStatus.RELEASED)
        week.released_reason = reason
        week.save(update_fields=["status", "released_reason"])
        future = week.week_start >= first_future_monday(today)
        slot_machine.move_many(
            WeekSlot.objects.filter(pk=week.slot_id), to=SlotStatus.OPEN if future else SlotStatus.WITHDRAWN
        )


@transaction.atomic
def booking_accept(*, booking: Booking, by: User, now: datetime | None = None) -> Booking:
    booking = _locked(booking)
    if booking.profile.user_id != by.pk:
        raise BookingError("Only the specialist can accept this request")
    if not profile_is_listed(profile=booking.profile):
        raise BookingError(
            "You can no longer accept: your council’s permission has ended or been withdrawn. Decline the request."
        )
    _move(booking=booking, to=BookingStatus.ACCEPTED, by=by)
    booking.answered_at = now or timezone.now()
    booking.save(update_fields=["status", "answered_at"])
    live = booking.weeks.select_for_update().filter(status=WeekStatus.HELD)
    slot_machine.move_many(WeekSlot.objects.filter(pk__in=live.values("slot_id")), to=SlotStatus.BOOKED)
    week_machine.move_many(live, to=WeekStatus.BOOKED)
    booking_email(
        booking.officer,
        kind="booking_accepted",
        booking=booking,
        template="emails/booking_accepted",
        subject=f"{booking.profile.user.full_name} accepted your booking",
    )
    return booking


@transaction.atomic
def booking_decline(*, booking: Booking, by: User, reason: str, now: datetime | None = None) -> Booking:
    now = now or timezone.now()
    booking = _locked(booking)
    if booking.profile.user_id != by.pk:
        raise BookingError("Only the specialist can decline this request")
    if not reason.strip():
        raise BookingError("Enter why you are declining, so the officer can plan")
    _move(booking=booking, to=BookingStatus.DECLINED, by=by, reason=reason.strip())
    booking.answered_at = now
    booking.decline_reason = reason.strip()
    booking.save(update_fields=["status", "answered_at", "decline_reason"])
    _release(booking, reason="declined", today=timezone.localdate(now))
    booking_email(
        booking.officer,
        kind="booking_declined",
        booking=booking,
        template="emails/booking_declined",
        subject=f"{booking.profile.user.full_name} declined your booking request",
    )
    return booking


@transaction.atomic
def bookings_expire(*, now: datetime | None = None) -> int:
    """Beat: requests not answered in time expire and their weeks are released. Idempotent."""
    now = now or timezone.now()
    expired = 0
    due = Booking.objects.select_for_update(skip_locked=True).select_related("profile__user", "officer")
    for booking in due.filter(status=BookingStatus.REQUESTED, answer_by__lte=now):
        _move(booking=booking, to=BookingStatus.EXPIRED, by=None, reason="Not answered in time")
        booking.save(update_fields=["status"])
        _release(booking, reason="expired", today=timezone.localdate(now))
        for person in (booking.officer, booking.profile.user):
            booking_email(
                person,
                kind="booking_expired",
                booking=booking,
                template="emails/booking_expired",
                subject="A booking request expired without an answer",
            )
        expired += 1
    return expired


@transaction.atomic
def booking_cancel(
    *, booking: Booking, by: User, reason: str, week_start: date | None = None, now: datetime | None = None
) -> Booking:
    """Cancel every week still to come, or just `week_start`. Either side may cancel a week before it
    starts (the specialist for example through illness); a week that has started stays.
    Cancelled weeks open again; the other side is told at once. The booking itself is cancelled when no
    live week is left."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    booking = _locked(booking)
    is_specialist = booking.profile.user_id == by.pk
    is_customer = is_booking_customer(user=by, booking=booking)
    if not (is_specialist or is_customer):
        raise BookingError("Only the specialist or the booking council can cancel this booking")
    if booking.status not in (BookingStatus.REQUESTED, BookingStatus.ACCEPTED):
        raise BookingError(f"This booking is {BookingStatus(booking.status).label.lower()}, so it cannot be cancelled.")
    if not reason.strip():
        raise BookingError("Enter the reason for cancelling")
    live = list(booking.weeks.select_for_update().filter(status__in=[WeekStatus.HELD, WeekStatus.BOOKED]))
    targets = [w for w in live if w.week_start >= first_future_monday(today)]
    if week_start is not None:
        targets = [w for w in targets if w.week_start == week_start]
        if not targets:
            raise BookingError("That week has started or is not booked, so it cannot be cancelled")
    if not targets:
        raise BookingError("There are no weeks still to come to cancel")
    for week in targets:
        BookingEvent.objects.create(
            booking=booking,
            week=week,
            from_status=week.status,
            to_status=WeekStatus.RELEASED,
            by=by,
            reason=f"Cancelled: {reason.strip()}",
        )
    _release(booking, reason="cancelled", today=today, weeks=targets)
    _audit(
        booking=booking,
        action="weeks_cancelled",
        by=by,
        before={"weeks": {w.week_start.isoformat(): w.status for w in targets}},
        after={"weeks": {w.week_start.isoformat(): WeekStatus.RELEASED for w in targets}},
        note=reason.strip(),
    )
    if len(targets) == len(live):
        _move(booking=booking, to=BookingStatus.CANCELLED, by=by, reason=reason.strip())
        booking.save(update_fields=["status"])
    other = booking.officer if is_specialist else booking.profile.user
    booking_email(
        other,
        kind="booking_cancelled",
        booking=booking,
        template="emails/booking_cancelled",
        reason=reason.strip(),
        cancelled_weeks=targets,
        subject=f"Booking cancelled: {booking.profile.user.full_name} for {booking.customer_council.short_name}",
    )
    return booking


@transaction.atomic
def booking_reminders_send(*, now: datetime | None = None, within: timedelta = timedelta(hours=24)) -> int:
    """Beat: remind the specialist, once, of a request that expires within a day."""
    now = now or timezone.now()
    due = Booking.objects.select_for_update(skip_locked=True, of=("self",)).select_related(
        "profile__user", "customer_council"
    )
    sent = 0
    for booking in due.filter(
        status=BookingStatus.REQUESTED, reminded_at__isnull=True, answer_by__gt=now, answer_by__lte=now + within
    ):
        booking_email(
            booking.profile.user,
            kind="booking_reminder",
            booking=booking,
            weeks=booking.weeks.all(),
            template="emails/booking_requested",
            subject=f"Reminder: please answer by the end of {booking.answer_by_day:%-d %B}",
        )
        booking.reminded_at = now
        booking.save(update_fields=["reminded_at"])
        sent += 1
    return sent


@transaction.atomic
def feedback_comments_erase(*, profile: SpecialistProfile) -> int:
    """Erasing a leaver: the comments about their work go; the ratings stay."""
    return Feedback.objects.filter(booking__profile=profile).update(comment="")
