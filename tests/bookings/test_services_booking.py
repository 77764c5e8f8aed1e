"""Requesting, answering, expiring and cancelling: the lock on a week and every refusal."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from bookings import services
from bookings.forms import BookingRequestForm
from bookings.models import Booking, BookingEvent, BookingStatus, BookingWeek, WeekStatus
from bookings.working_days import working_days_deadline
from councils import services as council_services
from notifications.models import OutboundEmail
from talentpool import approval, weekly_hours
from talentpool import services as pool
from talentpool.models import SlotStatus, WeekSlot
from talentpool.weeks import first_future_monday

pytestmark = pytest.mark.django_db


def request(booker, listed, weeks, **kwargs):
    return services.booking_request(
        officer=booker, profile=listed, weeks=weeks, brief="Help with our repairs service", **kwargs
    )


def slot_status(profile, week):
    return WeekSlot.objects.get(profile=profile, week_start=week).status


def test_a_request_holds_the_weeks_copies_the_rate_and_tells_the_specialist(booker, listed, next_monday):
    weeks = {next_monday: Decimal("3"), next_monday + timedelta(weeks=1): Decimal("2.5")}
    booking = request(booker, listed, weeks, po_number="PO-1", cost_centre="CC9")
    assert booking.status == BookingStatus.REQUESTED
    assert booking.hourly_rate.amount == Decimal("50.00")
    assert [(w.week_start, w.hours, w.status) for w in booking.weeks.all()] == [
        (next_monday, Decimal("3.0"), WeekStatus.HELD),
        (next_monday + timedelta(weeks=1), Decimal("2.5"), WeekStatus.HELD),
    ]
    assert {slot_status(listed, w) for w in weeks} == {SlotStatus.HELD}
    told = OutboundEmail.objects.get(kind="booking_requested", to=listed.user.email).body_text
    for week, hours in (next_monday, "3"), (next_monday + timedelta(weeks=1), "2.5"):  # each week asked for
        assert f"- week of {week.day} {week:%B %Y}: {hours} hours" in told
    pool.profile_rate_set(
        profile=listed, by=listed.council.users.get(roles__contains=["finance_officer"]), amount=Decimal("80")
    )
    booking.refresh_from_db()
    assert booking.hourly_rate.amount == Decimal("50.00")  # later rate changes never alter a booking


def test_a_multi_week_request_with_one_taken_week_holds_nothing(booker, listed, next_monday, council):
    from tests.factories import UserFactory

    rival = UserFactory(council=council, roles=["booking_officer"])
    request(rival, listed, {next_monday + timedelta(weeks=1): Decimal("3")})
    with pytest.raises(services.BookingError, match="has just been taken") as refused:
        request(booker, listed, {next_monday: Decimal("3"), next_monday + timedelta(weeks=1): Decimal("3")})
    assert next_monday in refused.value.open_weeks
    assert slot_status(listed, next_monday) == SlotStatus.OPEN
    assert Booking.objects.filter(officer=booker).count() == 0


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (Decimal("4"), "offers 3 hours"),
        (Decimal("0"), "between 0.5 and 48"),
        (Decimal("1.3"), "in half hours"),
        (Decimal("NaN"), "must be a number"),
    ],
)
def test_hours_above_the_offer_or_malformed_are_refused(booker, listed, next_monday, hours, message):
    with pytest.raises(services.BookingError, match=message):
        request(booker, listed, {next_monday: hours})
    assert not Booking.objects.exists()


def test_the_48_hour_limit_counts_contracted_hours_unless_opted_out(booker, listed, next_monday):
    listed.contracted_hours = Decimal("46")
    listed.save()
    with pytest.raises(services.BookingError, match="past 48 hours that week"):
        request(booker, listed, {next_monday: Decimal("3")})
    listed.working_time_opt_out = True
    listed.save()
    assert request(booker, listed, {next_monday: Decimal("3")}).status == BookingStatus.REQUESTED


def test_the_employers_weekly_cap_is_enforced(booker, listed, next_monday):
    WeekSlot.objects.filter(profile=listed, week_start=next_monday).update(hours=8)  # offered above a lowered cap
    with pytest.raises(services.BookingError, match="weekly cap of 5 hours"):
        request(booker, listed, {next_monday: Decimal("6")})


def test_suspended_councils_and_unapproved_profiles_cannot_be_booked(booker, listed, next_monday, staff, council):
    council_services.council_suspend(council=listed.council, by=staff, reason="Audit")
    with pytest.raises(services.BookingError, match="cannot be booked"):
        request(booker, listed, {next_monday: Decimal("3")})
    council_services.council_reinstate(council=listed.council, by=staff)
    council_services.council_suspend(council=council, by=staff, reason="Audit")
    with pytest.raises(services.BookingError, match="cannot book at the moment"):
        request(booker, listed, {next_monday: Decimal("3")})
    council_services.council_reinstate(council=council, by=staff)
    approver = listed.council.users.filter(roles__contains=["approver"]).first()
    approval.profile_withdraw(profile=listed, by=approver, reason="Busy")
    with pytest.raises(services.BookingError, match="no longer approved"):
        request(booker, listed, {next_monday: Decimal("3")})
    assert not Booking.objects.exists()


def test_a_po_number_is_required_where_the_booking_council_requires_one(booker, listed, next_monday, council):
    council.po_required = True
    council.save()
    with pytest.raises(services.BookingError, match="needs a purchase order number"):
        request(booker, listed, {next_monday: Decimal("3")})
    assert request(booker, listed, {next_monday: Decimal("3")}, po_number="PO-77").po_number == "PO-77"


def test_accepting_books_the_weeks(booker, listed, next_monday):
    booking = request(booker, listed, {next_monday: Decimal("3")})
    services.booking_accept(booking=booking, by=listed.user)
    assert slot_status(listed, next_monday) == SlotStatus.BOOKED
    assert BookingWeek.objects.get(booking=booking).status == WeekStatus.BOOKED
    assert OutboundEmail.objects.filter(kind="booking_accepted", to=booker.email).exists()
    events = list(BookingEvent.objects.filter(booking=booking).values_list("from_status", "to_status", "by"))
    assert events == [("", "requested", booker.pk), ("requested", "accepted", listed.user.pk)]


def test_declining_needs_a_reason_and_opens_the_weeks_again(booker, listed, next_monday):
    booking = request(booker, listed, {next_monday: Decimal("3")})
    with pytest.raises(services.BookingError, match="Enter why"):
        services.booking_decline(booking=booking, by=listed.user, reason="")
    services.booking_decline(booking=booking, by=listed.user, reason="On leave")
    assert slot_status(listed, next_monday) == SlotStatus.OPEN
    assert request(booker, listed, {next_monday: Decimal("3")}).status == BookingStatus.REQUESTED  # bookable again


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("accept", "decline"),
        ("decline", "accept"),
        ("decline", "cancel"),
        ("expire", "accept"),
        ("cancel", "accept"),
        ("cancel", "cancel"),
    ],
)
def test_forbidden_moves_are_refused_and_change_nothing(booker, listed, next_monday, first, then):
    booking = request(booker, listed, {next_monday: Decimal("3")})
    act = {
        "accept": lambda: services.booking_accept(booking=booking, by=listed.user),
        "decline": lambda: services.booking_decline(booking=booking, by=listed.user, reason="No"),
        "cancel": lambda: services.booking_cancel(booking=booking, by=booker, reason="Changed plans"),
        "expire": lambda: services.bookings_expire(now=booking.answer_by),
    }
    act[first]()
    booking.refresh_from_db()
    before = (booking.status, slot_status(listed, next_monday), BookingEvent.objects.count())
    with pytest.raises(services.BookingError):
        act[then]()
    booking.refresh_from_db()
    assert (booking.status, slot_status(listed, next_monday), BookingEvent.objects.count()) == before


def test_only_the_specialist_answers(booker, listed, next_monday):
    booking = request(booker, listed, {next_monday: Decimal("3")})
    with pytest.raises(services.BookingError, match="Only the specialist"):
        services.booking_accept(booking=booking, by=booker)


def test_a_request_expires_after_two_working_days_across_a_bank_holiday(booker, listed, council):
    # Requested on Thursday 24 December 2026: Friday 25 and Monday 28 are bank holidays, so the two working
    # days are Tuesday 29 and Wednesday 30; the request expires at midnight ending Wednesday.
    requested = timezone.make_aware(datetime(2026, 12, 24, 10, 0))
    with freeze_time(requested):
        week = first_future_monday(timezone.localdate())
        weekly_hours.slots_materialise(profile=listed)
        booking = request(booker, listed, {week + timedelta(weeks=1): Decimal("3")})
    assert timezone.localtime(booking.answer_by) == timezone.make_aware(datetime(2026, 12, 31, 0, 0))
    assert booking.answer_by_day.isoformat() == "2026-12-30"
    assert services.bookings_expire(now=timezone.make_aware(datetime(2026, 12, 30, 23, 59))) == 0
    assert services.bookings_expire(now=timezone.make_aware(datetime(2026, 12, 31, 0, 0))) == 1
    assert services.bookings_expire(now=timezone.make_aware(datetime(2026, 12, 31, 0, 1))) == 0  # idempotent
    booking.refresh_from_db()
    assert booking.status == BookingStatus.EXPIRED
    assert slot_status(listed, week + timedelta(weeks=1)) == SlotStatus.OPEN


def test_working_days_skip_weekends():
    friday = timezone.make_aware(datetime(2027, 1, 8, 16, 0))
    assert working_days_deadline(friday, 2) == timezone.make_aware(datetime(2027, 1, 13, 0, 0))  # ends Tuesday


def test_the_booking_council_can_cancel_only_weeks_that_have_not_started(booker, listed, next_monday):
    second = next_monday + timedelta(weeks=1)
    booking = request(booker, listed, {next_monday: Decimal("3"), second: Decimal("3")})
    services.booking_accept(booking=booking, by=listed.user)
    during_first_week = timezone.now() + timedelta(days=(next_monday - timezone.localdate()).days + 2)
    with pytest.raises(services.BookingError, match="has started or is not booked"):
        services.booking_cancel(
            booking=booking, by=booker, reason="Late", week_start=next_monday, now=during_first_week
        )
    services.booking_cancel(booking=booking, by=booker, reason="Enough help", now=during_first_week)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED  # the started week stays booked
    assert [w.status for w in booking.weeks.order_by("week_start")] == ["booked", "released"]


def test_the_specialist_can_cancel_a_booked_week_and_the_officer_is_told(booker, listed, next_monday):
    booking = request(booker, listed, {next_monday: Decimal("3")})
    services.booking_accept(booking=booking, by=listed.user)
    services.booking_cancel(booking=booking, by=listed.user, reason="Illness")
    assert slot_status(listed, next_monday) == SlotStatus.OPEN
    assert "Illness" in OutboundEmail.objects.get(kind="booking_cancelled", to=booker.email).body_text


def test_the_specialist_can_cancel_one_week_and_keep_the_rest(booker, listed, next_monday):
    second = next_monday + timedelta(weeks=1)
    booking = request(booker, listed, {next_monday: Decimal("3"), second: Decimal("3")})
    services.booking_accept(booking=booking, by=listed.user)
    services.booking_cancel(booking=booking, by=listed.user, reason="Ill that week", week_start=second)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACCEPTED
    assert slot_status(listed, second) == SlotStatus.OPEN
    assert slot_status(listed, next_monday) == SlotStatus.BOOKED
    with pytest.raises(services.BookingError, match="cannot be cancelled"):
        services.booking_cancel(booking=booking, by=listed.user, reason="Again", week_start=second)
    services.booking_cancel(booking=booking, by=listed.user, reason="Still ill", week_start=next_monday)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_reminder_goes_once_on_the_last_day_to_answer(booker, listed, next_monday):
    booking = request(booker, listed, {next_monday: Decimal("3")})
    assert services.booking_reminders_send(now=booking.answer_by - timedelta(hours=30)) == 0
    assert services.booking_reminders_send(now=booking.answer_by - timedelta(hours=20)) == 1
    assert services.booking_reminders_send(now=booking.answer_by - timedelta(hours=10)) == 0
    (reminder,) = OutboundEmail.objects.filter(kind="booking_reminder", to=listed.user.email)
    assert f"- week of {next_monday.day} {next_monday:%B %Y}: 3 hours" in reminder.body_text


def test_the_request_form_refuses_hours_that_are_not_a_number_or_missing(listed, next_monday):
    """What the service no longer parses: the form refuses it on the week's hours box."""
    slots = listed.slots.filter(week_start__in=[next_monday, next_monday + timedelta(weeks=1)]).order_by("week_start")
    second = next_monday + timedelta(weeks=1)
    data = {
        f"week_{next_monday}": "on",
        f"hours_{next_monday}": "x",
        f"week_{second}": "on",
        f"hours_{second}": "",
        "brief": "Help",
    }
    form = BookingRequestForm(data, slots=slots, po_required=False, profile=listed)
    assert not form.is_valid()
    assert form.errors[f"hours_{next_monday}"] == [
        f"Hours in the week of {next_monday:%-d %B %Y} must be a number, like 3 or 2.5"
    ]
    assert form.errors[f"hours_{second}"] == [f"Enter the hours you need in the week of {second:%-d %B %Y}"]


def test_the_request_form_shows_every_problem_at_once(listed, next_monday):
    """No brief, no PO where one is needed, and more hours than offered: all three together, not one a
    round."""
    slots = listed.slots.filter(week_start=next_monday)
    offered = slots.get().hours
    data = {f"week_{next_monday}": "on", f"hours_{next_monday}": str(offered + 1), "brief": ""}
    form = BookingRequestForm(data, slots=slots, po_required=True, profile=listed)
    assert not form.is_valid()
    assert set(form.errors) == {"brief", "po_number", f"hours_{next_monday}"}
    assert "offers" in form.errors[f"hours_{next_monday}"][0]


def test_the_databases_guard_against_a_second_live_booking_of_a_week_refuses_and_writes_nothing(
    booker, listed, next_monday, council
):
    """Should a slot ever read open while a live booking holds it, the unique index refuses the second
    booking: the officer is told, nothing of the request is written, and the connection goes on working."""
    from tests.factories import UserFactory, force_fields

    rival = UserFactory(council=council, roles=["booking_officer"])
    first = request(rival, listed, {next_monday: Decimal("3")})
    force_fields(WeekSlot.objects.filter(profile=listed, week_start=next_monday), status=SlotStatus.OPEN)
    emails = OutboundEmail.objects.count()
    with pytest.raises(services.BookingError, match="has just been taken. Nothing has been requested"):
        request(booker, listed, {next_monday: Decimal("3")})
    assert list(Booking.objects.values_list("pk", flat=True)) == [first.pk]
    assert BookingWeek.objects.filter(week_start=next_monday).count() == 1
    assert BookingEvent.objects.filter(booking__officer=booker).count() == 0
    assert OutboundEmail.objects.count() == emails
