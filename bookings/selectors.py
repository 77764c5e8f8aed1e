"""Reads of bookings, with their joins done so list pages cost the same whatever their length."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from councils.models import Role, User
from talentpool.models import SpecialistProfile
from talentpool.weeks import first_future_monday

from .models import (
    Booking,
    BookingEvent,
    BookingStatus,
    BookingWeek,
    Feedback,
    Timesheet,
    TimesheetStatus,
    WeekStatus,
)


def _with_rows(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    return bookings.select_related("profile__user", "supplier_council", "customer_council", "officer").prefetch_related(
        Prefetch("weeks", queryset=BookingWeek.objects.select_related("timesheet").order_by("week_start"))
    )


def bookings_made_by_council(*, council_id: int) -> QuerySet[Booking]:
    return _with_rows(Booking.objects.filter(customer_council_id=council_id))


def bookings_of_councils_specialists(*, council_id: int) -> QuerySet[Booking]:
    return _with_rows(Booking.objects.filter(supplier_council_id=council_id))


def bookings_for_specialist(*, user: User) -> QuerySet[Booking]:
    return _with_rows(Booking.objects.filter(profile__user=user))


def booking_requests_waiting(*, user: User) -> QuerySet[Booking]:
    return bookings_for_specialist(user=user).filter(status=BookingStatus.REQUESTED).order_by("answer_by")


def is_booking_customer(*, user: User, booking: Booking) -> bool:
    """A booking officer or administrator of the council that made the booking."""
    return user.council_id == booking.customer_council_id and (
        user.has_role(Role.BOOKING_OFFICER) or user.has_role(Role.COUNCIL_ADMIN)
    )


def booking_to_answer(*, user: User, pk: int) -> Booking | None:
    """A booking `user` may accept or decline: only the booked specialist."""
    booking = booking_for(user=user, pk=pk)
    return booking if booking is not None and booking.profile.user_id == user.pk else None


def booking_to_cancel(*, user: User, pk: int) -> Booking | None:
    """A booking `user` may cancel: the booked specialist, or the booking council."""
    booking = booking_for(user=user, pk=pk)
    if booking is not None and (booking.profile.user_id == user.pk or is_booking_customer(user=user, booking=booking)):
        return booking
    return None


def booking_for(*, user: User, pk: int) -> Booking | None:
    """A booking `user` may see: as its specialist, or as a member of either council."""
    booking = _with_rows(Booking.objects.filter(pk=pk)).first()
    if booking is None:
        return None
    if booking.profile.user_id == user.pk or user.council_id in (
        booking.customer_council_id,
        booking.supplier_council_id,
    ):
        return booking
    return None


def timesheets_due(*, user: User, today) -> QuerySet[BookingWeek]:
    """The specialist's booked weeks that have ended with no hours recorded."""
    return (
        BookingWeek.objects.filter(
            booking__profile__user=user,
            status=WeekStatus.BOOKED,
            timesheet__isnull=True,
            week_start__lte=today - timedelta(days=7),
        )
        .select_related("booking__customer_council")
        .order_by("week_start")
    )


def _timesheets() -> QuerySet[Timesheet]:
    return Timesheet.objects.select_related(
        "week__booking__profile__user", "week__booking__customer_council", "week__booking__supplier_council"
    ).order_by("week__week_start")


def timesheets_to_confirm(*, council_id: int) -> QuerySet[Timesheet]:
    return _timesheets().filter(week__booking__customer_council_id=council_id, status=TimesheetStatus.SUBMITTED)


def timesheets_disputed(*, council_id: int) -> QuerySet[Timesheet]:
    return _timesheets().filter(
        Q(week__booking__customer_council_id=council_id) | Q(week__booking__supplier_council_id=council_id),
        status=TimesheetStatus.DISPUTED,
    )


def bookings_awaiting_feedback(*, council_id: int) -> QuerySet[Booking]:
    confirmed = Timesheet.objects.filter(
        week__booking=OuterRef("pk"), status__in=[TimesheetStatus.CONFIRMED, TimesheetStatus.RESOLVED]
    )
    return (
        Booking.objects.filter(customer_council_id=council_id, feedback__isnull=True)
        .filter(Exists(confirmed))
        .select_related("profile__user", "supplier_council")
    )


def feedback_for_profile(*, profile_id: int) -> QuerySet[Feedback]:
    return (
        Feedback.objects.filter(booking__profile_id=profile_id)
        .select_related("booking__customer_council")
        .order_by("-at")
    )


def profile_has_weeks_to_come(*, profile: SpecialistProfile) -> bool:
    """Weeks held or booked from the first week not yet started (erasure waits for them)."""
    return BookingWeek.objects.filter(
        booking__profile=profile,
        status__in=[WeekStatus.HELD, WeekStatus.BOOKED],
        week_start__gte=first_future_monday(timezone.localdate()),
    ).exists()


def profile_has_hours_not_invoiced(*, profile: SpecialistProfile) -> bool:
    return Timesheet.objects.filter(week__booking__profile=profile, invoiced_at__isnull=True).exists()


# Who may read a booking's whole story, by side: the specialist; at the booking council those who book, run
# the council or pay; at the specialist's council those who run it, approve its specialists or are paid.
CUSTOMER_READERS = (Role.BOOKING_OFFICER, Role.COUNCIL_ADMIN, Role.FINANCE_OFFICER)
SUPPLIER_READERS = (Role.COUNCIL_ADMIN, Role.APPROVER, Role.FINANCE_OFFICER)


def booking_side(*, user: User, booking: Booking) -> str | None:
    """Which party `user` is to `booking`: "specialist", "customer" or "supplier"; None for anyone else."""
    if booking.profile.user_id == user.pk:
        return "specialist"
    if user.council_id == booking.customer_council_id and any(user.has_role(r) for r in CUSTOMER_READERS):
        return "customer"
    if user.council_id == booking.supplier_council_id and any(user.has_role(r) for r in SUPPLIER_READERS):
        return "supplier"
    return None


def booking_story(*, pk: int) -> Booking | None:
    """One booking with everything its page shows: parties, weeks with their timesheets, the history."""
    return (
        _with_rows(Booking.objects.filter(pk=pk))
        .prefetch_related(Prefetch("events", queryset=BookingEvent.objects.select_related("by", "week")))
        .first()
    )


def weeks_booked(
    *, today, specialist: User | None = None, customer_council_id: int | None = None, weeks: int | None = None
) -> QuerySet[BookingWeek]:
    """Booked weeks from this week on (the next `weeks` weeks only, if given), soonest first: a specialist's,
    or those a council has booked."""
    this_monday = first_future_monday(today) - timedelta(weeks=1)
    booked = BookingWeek.objects.filter(status=WeekStatus.BOOKED, week_start__gte=this_monday)
    if weeks is not None:
        booked = booked.filter(week_start__lt=this_monday + timedelta(weeks=weeks))
    if specialist is not None:
        booked = booked.filter(booking__profile__user=specialist)
    if customer_council_id is not None:
        booked = booked.filter(booking__customer_council_id=customer_council_id)
    return booked.select_related("booking__profile__user", "booking__customer_council").order_by("week_start", "pk")


def booking_story_weeks(*, booking: Booking, side: str, is_officer: bool, invoices: dict, today) -> list[dict]:
    """The booking page's weeks, each with its invoice (from payments' page section) and what the viewer
    may do with it now: the specialist records hours for a booked week that has ended without them; a
    booking officer of the booking council confirms or disputes hours waiting for confirmation."""
    first = first_future_monday(today)
    rows = []
    for week in booking.weeks.all():
        sheet = getattr(week, "timesheet", None)  # none yet: Django's RelatedObjectDoesNotExist
        rows.append(
            {
                "week": week,
                "invoice": invoices.get(week.pk),
                "record": side == "specialist"
                and week.status == WeekStatus.BOOKED
                and week.week_start < first
                and sheet is None,
                "answer": is_officer and sheet is not None and sheet.status == TimesheetStatus.SUBMITTED,
            }
        )
    return rows
