from datetime import date, timedelta
from decimal import Decimal

import pytest

from councils.models import Role
from talentpool import approval, services
from tests.factories import UserFactory

TODAY = date(2026, 11, 25)  # a Wednesday; the first future week starts Monday 30 November
NEXT_MONDAY = date(2026, 11, 30)


@pytest.fixture
def specialist(council):
    return UserFactory(
        council=council, roles=[Role.SPECIALIST], email="sam@alphaton.gov.uk", full_name="Sam Specialist"
    )


@pytest.fixture
def approver(council):
    return UserFactory(council=council, roles=[Role.APPROVER], email="ann@alphaton.gov.uk", full_name="Ann Approver")


@pytest.fixture
def profile(specialist):
    return services.profile_save(user=specialist, headline="Housing repairs", summary="Repairs services.")


@pytest.fixture
def approved(profile, specialist, approver):
    approval.profile_submit(profile=profile, by=specialist)
    return approval.profile_approve(
        profile=profile, by=approver, weekly_cap=Decimal("5"), ends_on=TODAY + timedelta(days=300), today=TODAY
    )
