"""After the week: hours recorded, confirmed, disputed and agreed; automatic confirmation; feedback; the
calendar feed."""

from datetime import datetime, timedelta
from decimal import Decimal

import icalendar
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings import services, timesheets
from bookings.forms import TimesheetForm
from bookings.models import BookingWeek, Feedback, Timesheet, TimesheetStatus
from notifications.models import OutboundEmail
from talentpool.models import WeekSlot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked_week(booker, listed, next_monday):
    """An accepted one-week booking of 3 hours, moved into the past so the week has ended."""
    booking = services.booking_request(
        officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="Repairs"
    )
    services.booking_accept(booking=booking, by=listed.user)
    week = booking.weeks.get()
    past = next_monday - timedelta(weeks=3)
    WeekSlot.objects.filter(pk=week.slot_id).update(week_start=past)
    BookingWeek.objects.filter(pk=week.pk).update(week_start=past)
    week.refresh_from_db()
    return week


def test_hours_are_recorded_once_and_the_officer_is_asked_to_confirm(booked_week, listed, booker):
    timesheet = timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=Decimal("2.5"), note="Workshops")
    assert (timesheet.hours_worked, timesheet.status) == (Decimal("2.5"), TimesheetStatus.SUBMITTED)
    assert timesheet.billable_hours is None  # not billable until confirmed
    assert OutboundEmail.objects.filter(kind="timesheet_to_confirm", to=booker.email).exists()
    with pytest.raises(services.BookingError, match="already been recorded"):
        timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=Decimal("1"))


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal("4"), "more than the 3 hours booked"),
        (Decimal("-1"), "between 0 and 48"),
        (Decimal("1.2"), "in half hours"),
        (Decimal("NaN"), "a number"),
    ],
)
def test_bad_hours_are_refused(booked_week, listed, hours, message):
    with pytest.raises(services.BookingError, match=message):
        timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=hours)
    assert not Timesheet.objects.exists()


def test_the_database_refuses_hours_above_the_booking(booked_week):
    with pytest.raises(IntegrityError), transaction.atomic():
        Timesheet.objects.create(week=booked_week, booked_hours=3, hours_worked=4, confirm_by=timezone.now())


def test_hours_cannot_be_recorded_before_the_week_ends(booker, listed, next_monday):
    booking = services.booking_request(
        officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="Repairs"
    )
    services.booking_accept(booking=booking, by=listed.user)
    with pytest.raises(services.BookingError, match="has not ended yet"):
        timesheets.timesheet_submit(week=booking.weeks.get(), by=listed.user, hours=Decimal("3"))


def test_the_officer_confirms_and_then_may_leave_feedback(booked_week, listed, booker):
    timesheet = timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=Decimal("3"))
    with pytest.raises(services.BookingError, match="once hours have been confirmed"):
        timesheets.feedback_leave(booking=booked_week.booking, by=booker, rating=5)
    with pytest.raises(services.BookingError, match="Only the booking council"):
        timesheets.timesheet_confirm(timesheet=timesheet, by=listed.user)
    timesheets.timesheet_confirm(timesheet=timesheet, by=booker)
    timesheet.refresh_from_db()
    assert timesheet.billable_hours == Decimal("3.0")
    with pytest.raises(services.BookingError, match="from 1 to 5"):
        timesheets.feedback_leave(booking=booked_week.booking, by=booker, rating=6)
    feedback = timesheets.feedback_leave(booking=booked_week.booking, by=booker, rating=4, comment="Very useful")
    assert (feedback.rating, feedback.comment) == (4, "Very useful")
    with pytest.raises(services.BookingError, match="already been left"):
        timesheets.feedback_leave(booking=booked_week.booking, by=booker, rating=5)
    assert Feedback.objects.count() == 1


def test_a_dispute_is_agreed_by_an_administrator(booked_week, listed, booker, other_admin, council_admin):
    timesheet = timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=Decimal("3"))
    timesheets.timesheet_dispute(timesheet=timesheet, by=booker, reason="Only two workshops happened")
    told = set(OutboundEmail.objects.filter(kind="timesheet_disputed").values_list("to", flat=True))
    assert {other_admin.email, council_admin.email} <= told
    with pytest.raises(services.BookingError, match="administrator of either council"):
        timesheets.timesheet_resolve(timesheet=timesheet, by=booker, agreed_hours=Decimal("2"))
    with pytest.raises(services.BookingError, match="more than the 3 hours"):
        timesheets.timesheet_resolve(timesheet=timesheet, by=other_admin, agreed_hours=Decimal("5"))
    timesheets.timesheet_resolve(timesheet=timesheet, by=other_admin, agreed_hours=Decimal("2"))
    timesheet.refresh_from_db()
    assert (timesheet.status, timesheet.billable_hours) == (TimesheetStatus.RESOLVED, Decimal("2.0"))


def test_unanswered_hours_confirm_automatically_after_five_working_days_across_a_bank_holiday(booked_week, listed):
    # Recorded on Wednesday 23 December 2026. Working days after it: Thu 24, Tue 29, Wed 30, Thu 31, Fri 1 Jan
    # is a bank holiday, so Mon 4 January 2027 is the fifth; confirmation comes at midnight ending it.
    recorded = timezone.make_aware(datetime(2026, 12, 23, 15, 0))
    timesheet = timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=Decimal("3"), now=recorded)
    assert timezone.localtime(timesheet.confirm_by) == timezone.make_aware(datetime(2027, 1, 5, 0, 0))
    assert timesheets.timesheets_autoconfirm(now=timezone.make_aware(datetime(2027, 1, 4, 23, 59))) == 0
    assert timesheets.timesheets_autoconfirm(now=timezone.make_aware(datetime(2027, 1, 5, 0, 0))) == 1
    assert timesheets.timesheets_autoconfirm(now=timezone.make_aware(datetime(2027, 1, 6))) == 0
    timesheet.refresh_from_db()
    assert (timesheet.status, timesheet.confirmed_by) == (TimesheetStatus.CONFIRMED, None)


def test_a_reminder_goes_once_for_a_week_with_no_hours(booked_week, listed):
    assert timesheets.timesheet_reminders_send() == 1
    assert timesheets.timesheet_reminders_send() == 0
    assert OutboundEmail.objects.filter(kind="timesheet_due", to=listed.user.email).count() == 1


def test_the_calendar_feed_parses_and_lists_booked_weeks_only(booker, listed, next_monday):
    booked = services.booking_request(
        officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="Repairs"
    )
    services.booking_accept(booking=booked, by=listed.user)
    services.booking_request(
        officer=booker, profile=listed, weeks={next_monday + timedelta(weeks=1): Decimal("2")}, brief="Held only"
    )
    calendar = icalendar.Calendar.from_ical(timesheets.calendar_feed(token=listed.calendar_token))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert events[0].decoded("dtstart") == next_monday
    assert "Alphaton: 3 hours" in str(events[0]["summary"])
    old = listed.calendar_token
    timesheets.calendar_token_reset(profile=listed, by=listed.user)
    assert timesheets.calendar_feed(token=old) is None


def test_someone_else_cannot_record_hours(booked_week, council):
    stranger = UserFactory(council=council, roles=["specialist"])
    with pytest.raises(services.BookingError, match="Only the specialist"):
        timesheets.timesheet_submit(week=booked_week, by=stranger, hours=Decimal("1"))


def test_timesheet_moves_are_in_the_bookings_history(booked_week, listed, booker):
    from bookings.models import BookingEvent

    timesheet = timesheets.timesheet_submit(week=booked_week, by=listed.user, hours=Decimal("3"))
    timesheets.timesheet_confirm(timesheet=timesheet, by=booker)
    moves = list(BookingEvent.objects.filter(week=booked_week).values_list("from_status", "to_status", "by"))
    assert moves == [("", "hours submitted", listed.user.pk), ("submitted", "hours confirmed", booker.pk)]


@pytest.mark.parametrize(("hours", "message"), [("x", "Hours worked must be a number"), ("", "Enter the hours worked")])
def test_the_timesheet_form_refuses_hours_that_are_not_a_number(hours, message):
    """What the service no longer parses: the form refuses it on the field."""
    form = TimesheetForm({"hours": hours})
    assert not form.is_valid()
    assert form.errors["hours"][0].startswith(message)
