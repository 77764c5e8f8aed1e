"""The pool's beat tasks call the services and are safe to run twice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time

from talentpool import tasks, weekly_hours
from talentpool.models import ProfileStatus
from tests.factories import specialist_profile

pytestmark = pytest.mark.django_db


def test_beat_runs_each_pool_task_daily():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "talentpool.tasks.slots_extend",
        "talentpool.tasks.profiles_expire",
        "talentpool.tasks.approval_reminders",
    } <= scheduled


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
