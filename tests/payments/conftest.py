from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.models import Booking, BookingWeek, Timesheet, TimesheetStatus, WeekStatus
from talentpool.models import SlotStatus, WeekSlot
from tests.factories import ActiveCouncilFactory, UserFactory, specialist_profile

NOVEMBER = date(2026, 11, 1)


def confirmed_week(*, profile, officer, week_start, hours=Decimal("3"), rate="50", confirmed_at=None):
    """A booked, worked and confirmed week, made directly (the booking rules are tested elsewhere).

    Confirmed at noon on the week's Saturday unless `confirmed_at` says otherwise."""
    from djmoney.money import Money

    if confirmed_at is None:
        confirmed_at = timezone.make_aware(datetime.combine(week_start + timedelta(days=5), time(12)))

    slot = WeekSlot.objects.create(
        profile=profile, week_start=week_start, hours=hours, status=SlotStatus.BOOKED, from_pattern=False
    )
    booking = Booking.objects.create(
        profile=profile,
        supplier_council=profile.council,
        customer_council=officer.council,
        officer=officer,
        brief="Help",
        po_number="PO-1",
        cost_centre="CC",
        hourly_rate=Money(rate, "GBP"),
        status="accepted",
        answer_by=slot.updated_at,
    )
    week = BookingWeek.objects.create(
        booking=booking, slot=slot, week_start=week_start, hours=hours, status=WeekStatus.BOOKED
    )
    return Timesheet.objects.create(
        week=week,
        booked_hours=hours,
        hours_worked=hours,
        status=TimesheetStatus.CONFIRMED,
        confirm_by=slot.updated_at,
        confirmed_at=confirmed_at,
    )


@pytest.fixture
def three_councils(db):
    a = ActiveCouncilFactory(code="AAA", name="Alphaton Council", short_name="Alphaton", slug="alphaton")
    b = ActiveCouncilFactory(code="BBB", name="Betaford Council", short_name="Betaford", slug="betaford")
    c = ActiveCouncilFactory(code="CCC", name="Cetown Council", short_name="Cetown", slug="cetown")
    return a, b, c


@pytest.fixture
def people(three_councils):
    a, b, c = three_councils
    return {
        "spec_a": specialist_profile(a, full_name="Ann A"),
        "spec_b": specialist_profile(b, full_name="Bob B"),
        "officer_a": UserFactory(council=a, roles=["booking_officer"]),
        "officer_b": UserFactory(council=b, roles=["booking_officer"]),
        "officer_c": UserFactory(council=c, roles=["booking_officer"]),
    }


@pytest.fixture
def november_hours(people):
    """B buys 3h+2h of Ann (A); C buys 4h of Ann; A buys 1.5h of Bob (B). All in November 2026."""
    mon = [NOVEMBER + timedelta(days=d) for d in (1, 8, 15, 22)]  # Mondays 2, 9, 16, 23 November
    return [
        confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=mon[0], hours=Decimal("3")),
        confirmed_week(profile=people["spec_a"], officer=people["officer_b"], week_start=mon[1], hours=Decimal("2")),
        confirmed_week(
            profile=people["spec_a"], officer=people["officer_c"], week_start=mon[2], hours=Decimal("4"), rate="45.55"
        ),
        confirmed_week(
            profile=people["spec_b"], officer=people["officer_a"], week_start=mon[3], hours=Decimal("1.5"), rate="33.33"
        ),
    ]


@pytest.fixture
def invoices(november_hours):
    """November settled: AAA-2026-00001, Betaford owes Alphaton £250.00; AAA-2026-00002, Cetown owes
    Alphaton £182.20; BBB-2026-00001, Alphaton owes Betaford £50.00."""
    from payments import settlement
    from payments.models import Invoice

    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    return {i.number: i for i in Invoice.objects.all()}


@pytest.fixture
def finance(three_councils):
    a, b, c = three_councils
    return {
        "a": UserFactory(council=a, roles=["finance_officer"], email="fin@alphaton.gov.uk"),
        "b": UserFactory(council=b, roles=["finance_officer"], email="fin@betaford.gov.uk"),
        "c": UserFactory(council=c, roles=["finance_officer"], email="fin@cetown.gov.uk"),
    }
