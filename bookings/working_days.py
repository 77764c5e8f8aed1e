"""Working days in England and Wales: weekends and bank holidays (from the `holidays` package) excluded."""

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.utils import timezone


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_deadline(start: datetime, days: int) -> datetime:
    """The moment `days` whole working days after `start` have passed: midnight (local time) at the end
    of the `days`-th working day after the day of `start`."""
    day = timezone.localtime(start).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
