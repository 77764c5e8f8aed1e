"""Shared fixtures. The suite runs against real PostgreSQL (pytest-django creates test_talentpool)."""

import pytest

from councils.models import Role
from tests.factories import ActiveCouncilFactory, CouncilFactory, StaffFactory, UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff(db):
    return StaffFactory(email="platform@talentpool.example")


@pytest.fixture
def council(db):
    return ActiveCouncilFactory(code="AAA", name="Alphaton Borough Council", short_name="Alphaton", slug="alphaton")


@pytest.fixture
def other_council(db):
    return ActiveCouncilFactory(code="BBB", name="Betaford City Council", short_name="Betaford", slug="betaford")


@pytest.fixture
def new_council(db):
    return CouncilFactory(code="NEW", name="Newtown District Council", short_name="Newtown", slug="newtown")


@pytest.fixture
def council_admin(council):
    return UserFactory(
        council=council, roles=[Role.COUNCIL_ADMIN], email="admin@alphaton.gov.uk", full_name="Ada Admin"
    )


@pytest.fixture
def other_admin(other_council):
    return UserFactory(
        council=other_council,
        roles=[Role.COUNCIL_ADMIN],
        email="admin@betaford.gov.uk",
        full_name="Bea Admin",
    )


@pytest.fixture
def officer(council):
    return UserFactory(council=council, roles=[Role.BOOKING_OFFICER], email="officer@alphaton.gov.uk")


def client_for(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the search filters' lists and rate-limit counters live there."""
    from django.core.cache import cache

    from talentpool.vocabulary import search_memory_forget

    cache.clear()
    search_memory_forget()
    yield
    cache.clear()
    search_memory_forget()


@pytest.fixture
def eager_celery():
    """Tasks queued on commit run at once, in this process (the web request's, for the live server)."""
    from config.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
