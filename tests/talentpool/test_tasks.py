"""The pool's beat tasks call the services and are safe to run twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from talentpool import tasks, weekly_hours
from talentpool.models import ProfileStatus
from tests.factories import specialist_profile

pytestmark = pytest.mark.django_db


def test_beat_runs_each_pool_task():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "talentpool.tasks.slots_extend",
        "talentpool.tasks.profiles_expire",
        "talentpool.tasks.approval_reminders",
        "talentpool.tasks.stored_weeks_refresh",
        "talentpool.tasks.search_lists_refresh",
    } <= scheduled


def test_with_the_search_lists_refreshed_ahead_a_search_page_makes_only_its_own_queries(
    client, council, other_council, django_assert_max_num_queries
):
    """The filter lists, vocabulary and known words expire from the shared cache after five minutes; beat
    works them out again every four, so no page waits for them: a fresh process's first search makes the
    same few queries as any other."""
    from django.core.cache import cache
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from talentpool.vocabulary import search_memory_forget
    from tests.factories import UserFactory

    officer = UserFactory(council=council, roles=["booking_officer"])
    specialist_profile(other_council, headline="Digital lead")
    client.force_login(officer)
    cache.clear()
    search_memory_forget()
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("talentpool:search"), {"q": "digital"})
    cache.clear()
    search_memory_forget()
    tasks.search_lists_refresh.apply().get()
    search_memory_forget()  # another process: nothing of its own remembered
    with django_assert_max_num_queries(10) as warm:
        client.get(reverse("talentpool:search"), {"q": "digital"})
    assert len(warm.captured_queries) <= len(cold.captured_queries) - 5


def test_as_a_week_starts_the_stored_weeks_are_current_again(other_council):
    """A week passing leaves each profile's stored first week behind the calendar, and the search falls back
    to reading every profile's weeks; the Monday task brings them up to date, so it reads its index again."""
    from django.db import connection

    from talentpool.selectors import _stored_weeks_current
    from talentpool.weeks import first_future_monday

    profile = specialist_profile(other_council)
    first = first_future_monday(timezone.localdate())
    weekly_hours.pattern_set(profile=profile, by=profile.user, hours=Decimal("2"), starts_on=first, ends_on=None)
    assert _stored_weeks_current(today=timezone.localdate())
    with connection.cursor() as cursor:  # as the calendar leaves it: a week that has now started
        cursor.execute(
            "UPDATE talentpool_specialistprofile SET next_open_week = %s WHERE id = %s",
            [first - timedelta(weeks=1), profile.pk],
        )
    assert not _stored_weeks_current(today=timezone.localdate())
    tasks.stored_weeks_refresh.apply().get()
    assert _stored_weeks_current(today=timezone.localdate())
    profile.refresh_from_db()
    assert profile.bookable_week == first


def test_tasks_extend_expire_and_remind_once(other_council):
    profile = specialist_profile(other_council)
    weekly_hours.pattern_set(
        profile=profile, by=profile.user, hours=Decimal("2"), starts_on=timezone.localdate(), ends_on=None
    )
    assert tasks.slots_extend.apply().get() == 0  # already materialised
    with freeze_time(profile.approval_ends_on - timedelta(days=7)):
        assert tasks.approval_reminders.apply().get() == 1
        assert tasks.approval_reminders.apply().get() == 0
    with freeze_time(profile.approval_ends_on + timedelta(days=1)):
        assert tasks.profiles_expire.apply().get() == 1
        assert tasks.profiles_expire.apply().get() == 0
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.EXPIRED
