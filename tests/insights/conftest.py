"""The payments tests' councils and finance officers."""

from tests.payments.conftest import finance, three_councils  # noqa: F401
