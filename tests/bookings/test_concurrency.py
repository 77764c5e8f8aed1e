"""Twenty officers race for the same week over separate PostgreSQL connections: exactly one wins."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from bookings import services
from bookings.models import BookingWeek, WeekStatus
from councils.models import Role
from talentpool.models import SlotStatus, WeekSlot
from tests.factories import ActiveCouncilFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 20


def test_twenty_officers_racing_for_one_week_leave_exactly_one_held_booking(listed, next_monday):
    officers = []
    for i in range(RACERS):
        council = ActiveCouncilFactory(
            code=f"R{i:02d}", slug=f"racer-{i}", short_name=f"Racer {i}", name=f"Racer {i} Council"
        )
        officers.append(UserFactory(council=council, roles=[Role.BOOKING_OFFICER], email=f"officer@racer-{i}.gov.uk"))
    barrier = threading.Barrier(RACERS)
    won, refused, other_errors = [], [], []

    def race(officer):
        try:
            barrier.wait()
            won.append(
                services.booking_request(
                    officer=officer, profile=listed, weeks={next_monday: Decimal("3")}, brief="Help"
                )
            )
        except services.BookingError as exc:
            refused.append(exc)
        except Exception as exc:  # anything else would be an error page
            other_errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(o,)) for o in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert other_errors == []
    assert len(won) == 1
    assert len(refused) == RACERS - 1
    assert all("has just been taken" in str(e) for e in refused)
    assert all(next_monday not in e.open_weeks and e.open_weeks for e in refused)  # other weeks offered
    assert BookingWeek.objects.filter(slot__week_start=next_monday, status=WeekStatus.HELD).count() == 1
    assert WeekSlot.objects.get(profile=listed, week_start=next_monday).status == SlotStatus.HELD
