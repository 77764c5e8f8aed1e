from tests.payments.conftest import november_hours, people, three_councils  # noqa: F401
