"""listed_standing under real concurrent transactions (separate PostgreSQL connections): a council's change and
a booking do not deadlock, and a new agreement published while a profile is being approved leaves the stored
standing agreeing with the rule."""

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bookings import services as bookings
from bookings.models import Booking
from councils.models import Council, CouncilStatus, Role
from councils.services import agreement_publish, council_locked
from talentpool import approval, weekly_hours
from talentpool import services as pool
from talentpool.models import SpecialistProfile
from talentpool.selectors import profile_listed_filter, profile_listed_standing_filter
from talentpool.weeks import first_future_monday
from tests.factories import ActiveCouncilFactory, UserFactory, specialist_profile

pytestmark = pytest.mark.django_db(transaction=True)


def both_ways(profile) -> tuple[bool, bool]:
    today = timezone.localdate()
    one = SpecialistProfile.objects.filter(pk=profile.pk)
    return one.filter(profile_listed_filter(today=today)).exists(), one.filter(
        profile_listed_standing_filter(today=today)
    ).exists()


def in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - collected, then asserted empty
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_booking_while_the_specialists_council_is_being_suspended_does_not_deadlock():
    supplier = ActiveCouncilFactory(code="SUP", slug="supplier", short_name="Supplier", name="Supplier Council")
    customer = ActiveCouncilFactory(code="CUS", slug="customer", short_name="Customer", name="Customer Council")
    profile = specialist_profile(supplier, full_name="Sam Supplier")
    week = first_future_monday(timezone.localdate())
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("3"), starts_on=week, ends_on=None)
    finance = UserFactory(council=supplier, roles=[Role.FINANCE_OFFICER])
    profile = pool.profile_rate_set(profile=profile, by=finance, amount=Decimal("50"))
    officer = UserFactory(council=customer, roles=[Role.BOOKING_OFFICER])
    council_held, errors, outcomes = threading.Event(), [], []

    def suspend():
        with transaction.atomic():
            council_locked(supplier)  # as a status change holds it
            council_held.set()
            time.sleep(0.5)  # the booking locks the profile meanwhile
            Council.objects.filter(pk=supplier.pk).update(status=CouncilStatus.SUSPENDED)  # then its profiles

    def book():
        council_held.wait()
        try:
            bookings.booking_request(officer=officer, profile=profile, weeks={week: Decimal("2")}, brief="Help")
            outcomes.append("held")
        except bookings.BookingError as exc:
            outcomes.append(str(exc))

    threads = [in_thread(suspend, errors), in_thread(book, errors)]
    for thread in threads:
        thread.join()
    assert errors == []  # no "deadlock detected"
    # Either order is sound: held before the suspension took effect, or refused after it, with nothing written.
    (outcome,) = outcomes
    held = Booking.objects.filter(profile=profile).count()
    assert (outcome, held) in {("held", 1), ("Supplier cannot be booked at the moment", 0)}
    assert both_ways(profile) == (False, False)


def test_an_agreement_published_while_a_profile_is_approved_leaves_it_unlisted_both_ways():
    council = ActiveCouncilFactory(code="APP", slug="approving", short_name="Approving", name="Approving Council")
    profile = specialist_profile(council, full_name="Pat Pending", approve=False)
    approver = UserFactory(council=council, roles=[Role.APPROVER])
    approval.profile_submit(profile=profile, by=profile.user)
    approved_uncommitted, errors = threading.Event(), []

    def approve():
        with transaction.atomic():
            approval.profile_approve(
                profile=profile, by=approver, weekly_cap=Decimal("5"), ends_on=timezone.localdate() + timedelta(days=90)
            )
            approved_uncommitted.set()
            time.sleep(0.5)  # the new agreement is published meanwhile

    def publish():
        approved_uncommitted.wait()
        agreement_publish(title="Version 2", body="New terms.")

    threads = [in_thread(approve, errors), in_thread(publish, errors)]
    for thread in threads:
        thread.join()
    assert errors == []
    # approved, but its council has not accepted the new version: listed by neither reading
    assert both_ways(profile) == (False, False)
