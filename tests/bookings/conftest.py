from decimal import Decimal

import pytest
from django.utils import timezone

from councils.models import Role
from talentpool import services as pool
from talentpool import weekly_hours
from talentpool.weeks import first_future_monday
from tests.factories import UserFactory, specialist_profile


@pytest.fixture
def next_monday():
    return first_future_monday(timezone.localdate())


@pytest.fixture
def listed(other_council, next_monday):
    """A listed specialist at Betaford: cap 5, 3 hours a week, £50 an hour."""
    profile = specialist_profile(
        other_council, full_name="Sam Specialist", email="sam@betaford.gov.uk", cap=Decimal("5")
    )
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("3"), starts_on=next_monday, ends_on=None)
    finance = UserFactory(council=other_council, roles=[Role.FINANCE_OFFICER])
    return pool.profile_rate_set(profile=profile, by=finance, amount=Decimal("50"))


@pytest.fixture
def booker(council):
    return UserFactory(
        council=council, roles=[Role.BOOKING_OFFICER], email="olly@alphaton.gov.uk", full_name="Olly Officer"
    )
