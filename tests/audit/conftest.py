from tests.bookings.conftest import booker, listed, next_monday  # noqa: F401
from tests.payments.conftest import november_hours, people, three_councils  # noqa: F401
