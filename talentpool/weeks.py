"""ISO weeks as their Monday dates."""

from datetime import date, timedelta

WINDOW_WEEKS = 26


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def first_future_monday(today: date) -> date:
    """The Monday of the first week that has not started yet."""
    return monday_of(today) + timedelta(weeks=1)


def mondays(start: date, end: date) -> list[date]:
    """Mondays from the week containing `start` to the week containing `end`, inclusive."""
    first, last = monday_of(start), monday_of(end)
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)] if last >= first else []


def window_end(today: date, weeks: int = WINDOW_WEEKS) -> date:
    """The Monday of the last week in the rolling window of `weeks` weeks ahead."""
    return first_future_monday(today) + timedelta(weeks=weeks - 1)
