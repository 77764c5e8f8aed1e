"""After the week: timesheets (submit, confirm, dispute, agree, automatic confirmation), feedback, and the
specialist's private calendar feed."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import icalendar
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import audit_record
from audit.transitions import StateMachine
from core.hours import hours_problem
from councils.models import MembershipStatus, Role, User
from councils.selectors import council_admins
from talentpool.models import SpecialistProfile, calendar_token_new

from .emails import booking_email
from .models import (
    TIMESHEET_MOVES,
    Booking,
    BookingEvent,
    BookingWeek,
    Feedback,
    Timesheet,
    TimesheetStatus,
    WeekStatus,
)
from .services import BookingError
from .working_days import working_days_deadline


def _hours(hours: Decimal, *, booked: Decimal) -> Decimal:
    """Hours worked or agreed in a booked week: none at all is possible, more than booked is not."""
    if problem := hours_problem(hours, minimum=Decimal("0")):
        raise BookingError(problem)
    if hours > booked:
        raise BookingError(f"That is more than the {booked.normalize():f} hours booked for the week")
    return hours


def week_has_ended(week: BookingWeek, *, today: date) -> bool:
    return week.week_start + timedelta(days=7) <= today


@transaction.atomic
def timesheet_submit(
    *, week: BookingWeek, by: User, hours: Decimal, note: str = "", now: datetime | None = None
) -> Timesheet:
    now = now or timezone.now()
    week = (
        BookingWeek.objects.select_for_update()
        .select_related("booking__profile__user", "booking__officer")
        .get(pk=week.pk)
    )
    booking = week.booking
    if booking.profile.user_id != by.pk:
        raise BookingError("Only the specialist records their hours")
    if week.status != WeekStatus.BOOKED:
        raise BookingError("Hours can only be recorded for a booked week")
    if not week_has_ended(week, today=timezone.localdate(now)):
        raise BookingError(f"The week of {week.week_start:%-d %B} has not ended yet")
    hours = _hours(hours, booked=week.hours)
    try:
        with transaction.atomic():
            timesheet = Timesheet.objects.create(
                week=week,
                booked_hours=week.hours,
                hours_worked=hours,
                note=note.strip(),
                submitted_at=now,
                confirm_by=working_days_deadline(now, settings.TIMESHEET_CONFIRM_WORKING_DAYS),
            )
    except IntegrityError as exc:
        raise BookingError("Hours for this week have already been recorded") from exc
    _recorded(timesheet, by=by, reason=f"{hours.normalize():f} hours")
    booking_email(
        booking.officer,
        kind="timesheet_to_confirm",
        booking=booking,
        template="emails/timesheet_to_confirm",
        subject=f"Confirm {booking.profile.user.full_name}’s hours for the week of {week.week_start:%-d %B}",
        timesheet=timesheet,
    )
    return timesheet


def _timesheet_history(timesheet: Timesheet, before: str, to: str, by: User | None, note: str) -> None:
    """Timesheet moves go in the booking's history too, against their week."""
    BookingEvent.objects.create(
        booking_id=timesheet.week.booking_id,
        week_id=timesheet.week_id,
        from_status=before,
        to_status=f"hours {to}",
        by=by,
        reason=note,
    )


def _timesheet_councils(timesheet: Timesheet) -> list[int]:
    booking = timesheet.week.booking
    return [booking.supplier_council_id, booking.customer_council_id]


def _timesheet_label(timesheet: Timesheet) -> str:
    return f"Hours for booking {timesheet.week.booking_id}, week of {timesheet.week.week_start:%-d %B %Y}"


def _hours_after(timesheet: Timesheet) -> dict:
    return {
        "hours_worked": timesheet.hours_worked,
        **({"agreed_hours": timesheet.agreed_hours} if timesheet.agreed_hours is not None else {}),
    }


timesheet_machine: StateMachine[Timesheet] = StateMachine(
    moves=TIMESHEET_MOVES,
    labels=TimesheetStatus,
    error=BookingError,
    noun="These hours",
    audit_action="timesheet",
    audit_councils=_timesheet_councils,
    audit_label=_timesheet_label,
    history=_timesheet_history,
    refusal=lambda timesheet, current, to: f"These hours are already {TimesheetStatus(current).label.lower()}",
)


def _recorded(timesheet: Timesheet, *, by: User, reason: str) -> None:
    """Hours recorded: the first entry of the timesheet's history (a creation, not a move)."""
    _timesheet_history(timesheet, "", TimesheetStatus.SUBMITTED, by, reason)
    audit_record(
        actor=by,
        action=f"timesheet.{TimesheetStatus.SUBMITTED}",
        obj=timesheet,
        councils=_timesheet_councils(timesheet),
        after={"status": TimesheetStatus.SUBMITTED, **_hours_after(timesheet)},
        note=reason,
        label=_timesheet_label(timesheet),
    )


def _locked_timesheet(timesheet: Timesheet) -> Timesheet:
    return Timesheet.objects.select_for_update().select_related("week__booking__profile__user").get(pk=timesheet.pk)


def _require_customer(timesheet: Timesheet, by: User) -> None:
    booking = timesheet.week.booking
    if by.council_id != booking.customer_council_id or not (
        by.has_role(Role.BOOKING_OFFICER) or by.has_role(Role.COUNCIL_ADMIN)
    ):
        raise BookingError("Only the booking council confirms or disputes hours")


@transaction.atomic
def timesheet_confirm(*, timesheet: Timesheet, by: User | None, now: datetime | None = None) -> Timesheet:
    """`by` None: confirmed automatically after the window."""
    timesheet = _locked_timesheet(timesheet)
    if by is not None:
        _require_customer(timesheet, by)
    timesheet_machine.move(
        timesheet,
        to=TimesheetStatus.CONFIRMED,
        by=by,
        note="" if by else "Confirmed automatically",
        after=_hours_after(timesheet),
    )
    timesheet.confirmed_at = now or timezone.now()
    timesheet.confirmed_by = by
    timesheet.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    return timesheet


@transaction.atomic
def timesheet_dispute(*, timesheet: Timesheet, by: User, reason: str) -> Timesheet:
    timesheet = _locked_timesheet(timesheet)
    _require_customer(timesheet, by)
    timesheet_machine.refuse_unless(timesheet, TimesheetStatus.DISPUTED)
    if not reason.strip():
        raise BookingError("Enter what is wrong with the hours")
    timesheet_machine.move(
        timesheet, to=TimesheetStatus.DISPUTED, by=by, note=reason.strip(), after=_hours_after(timesheet)
    )
    timesheet.dispute_reason = reason.strip()
    timesheet.save(update_fields=["status", "dispute_reason"])
    booking = timesheet.week.booking
    people = [*council_admins(council=booking.customer_council), *council_admins(council=booking.supplier_council)]
    for person in {p.pk: p for p in [*people, booking.profile.user]}.values():
        booking_email(
            person,
            kind="timesheet_disputed",
            booking=booking,
            template="emails/timesheet_disputed",
            subject=f"Hours disputed: {booking.profile.user.full_name}, week of {timesheet.week.week_start:%-d %B}",
            timesheet=timesheet,
        )
    return timesheet


@transaction.atomic
def timesheet_resolve(
    *, timesheet: Timesheet, by: User, agreed_hours: Decimal, now: datetime | None = None
) -> Timesheet:
    """Either council's administrator records the hours both councils agreed."""
    timesheet = _locked_timesheet(timesheet)
    booking = timesheet.week.booking
    if by.council_id not in (booking.customer_council_id, booking.supplier_council_id) or not by.has_role(
        Role.COUNCIL_ADMIN
    ):
        raise BookingError("Only an administrator of either council records the agreed hours")
    if timesheet.status != TimesheetStatus.DISPUTED:
        raise BookingError("Only disputed hours need agreeing")
    timesheet.agreed_hours = _hours(agreed_hours, booked=timesheet.booked_hours)
    timesheet_machine.move(
        timesheet,
        to=TimesheetStatus.RESOLVED,
        by=by,
        note=f"{timesheet.agreed_hours.normalize():f} hours agreed",
        after=_hours_after(timesheet),
    )
    timesheet.resolved_by = by
    timesheet.resolved_at = now or timezone.now()
    timesheet.save(update_fields=["agreed_hours", "status", "resolved_by", "resolved_at"])
    return timesheet


def timesheets_autoconfirm(*, now: datetime | None = None) -> int:
    """Beat: hours not confirmed or disputed within the window are confirmed. Idempotent."""
    now = now or timezone.now()
    done = 0
    for timesheet in Timesheet.objects.filter(status=TimesheetStatus.SUBMITTED, confirm_by__lte=now):
        try:
            timesheet_confirm(timesheet=timesheet, by=None, now=now)
            done += 1
        except BookingError:  # answered meanwhile
            continue
    return done


@transaction.atomic
def timesheet_reminders_send(*, now: datetime | None = None) -> int:
    """Beat: remind the specialist, once, of each ended booked week with no hours recorded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        BookingWeek.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("booking__profile__user")
        .filter(
            status=WeekStatus.BOOKED,
            timesheet__isnull=True,
            timesheet_reminded_at__isnull=True,
            week_start__lte=today - timedelta(days=7),
        )
    )
    sent = 0
    for week in due:
        booking_email(
            week.booking.profile.user,
            kind="timesheet_due",
            booking=week.booking,
            template="emails/timesheet_due",
            subject=f"Record your hours for the week of {week.week_start:%-d %B}",
            week=week,
        )
        week.timesheet_reminded_at = now
        week.save(update_fields=["timesheet_reminded_at"])
        sent += 1
    return sent


@transaction.atomic
def feedback_leave(*, booking: Booking, by: User, rating: int, comment: str = "") -> Feedback:
    if by.council_id != booking.customer_council_id or not by.has_role(Role.BOOKING_OFFICER):
        raise BookingError("Only a booking officer of the booking council can leave feedback")
    billable = Timesheet.objects.filter(
        week__booking=booking, status__in=[TimesheetStatus.CONFIRMED, TimesheetStatus.RESOLVED]
    )
    if not billable.exists():
        raise BookingError("You can leave feedback once hours have been confirmed")
    if not 1 <= rating <= 5:
        raise BookingError("Choose a rating from 1 to 5")
    try:
        with transaction.atomic():
            return Feedback.objects.create(booking=booking, rating=rating, comment=comment.strip(), by=by)
    except IntegrityError as exc:
        raise BookingError("Feedback has already been left for this booking") from exc


# --- the calendar feed ---------------------------------------------------------------------------


def calendar_feed(*, token: str) -> bytes | None:
    """The specialist's booked weeks as iCalendar, or None for an unknown token."""
    profile = SpecialistProfile.objects.select_related("user").filter(calendar_token=token).first()
    if profile is None or profile.user.membership_status != MembershipStatus.ACTIVE:
        return None
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//LocalGov Talent Pool//Bookings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Talent pool bookings")
    weeks = BookingWeek.objects.filter(booking__profile=profile, status=WeekStatus.BOOKED).select_related(
        "booking__customer_council", "booking__officer"
    )
    for week in weeks:
        event = icalendar.Event()
        event.add("uid", f"booking-week-{week.pk}@talentpool")
        event.add("summary", f"{week.booking.customer_council.short_name}: {week.hours.normalize():f} hours")
        event.add("dtstart", week.week_start)
        event.add("dtend", week.week_start + timedelta(days=5))
        event.add("dtstamp", timezone.now())
        event.add("description", f"{week.booking.brief}\nBooked by {week.booking.officer.full_name}")
        calendar.add_component(event)
    return calendar.to_ical()


@transaction.atomic
def calendar_token_reset(*, profile: SpecialistProfile, by: User) -> SpecialistProfile:
    if profile.user_id != by.pk:
        raise BookingError("Only the specialist can reset their calendar address")
    profile.calendar_token = calendar_token_new()
    profile.save(update_fields=["calendar_token", "updated_at"])
    return profile
