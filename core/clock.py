"""The moment the service records things at: now, unless a caller replays a past moment.

History rows (a booking's events, feedback, the audit log) take their time from `clock_now`. Only
`demo.history` replays moments (`with clock_at(...)`), so that a demo booking requested in September
says so on its page; nothing else sets the clock.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_replayed: ContextVar[datetime | None] = ContextVar("clock_replayed", default=None)


def clock_now() -> datetime:
    return _replayed.get() or timezone.now()


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    token = _replayed.set(moment)
    try:
        yield
    finally:
        _replayed.reset(token)
