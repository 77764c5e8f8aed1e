"""Employer permission: submit, approve, return, withdraw, expiry and reminders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from freezegun import freeze_time

from notifications.models import OutboundEmail
from talentpool import approval, services, weekly_hours
from talentpool.forms import ApproveForm
from talentpool.models import ProfileStatus, ProfileStatusChange, SlotStatus
from tests.factories import force_fields
from tests.talentpool.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_submitting_tells_the_councils_approvers(profile, specialist, approver):
    approval.profile_submit(profile=profile, by=specialist)
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED
    assert OutboundEmail.objects.filter(kind="profile_submitted", to=approver.email).exists()


def test_approval_sets_the_cap_and_end_date_and_lists_the_profile(profile, specialist, approver):
    approval.profile_submit(profile=profile, by=specialist)
    with freeze_time(TODAY):
        approval.profile_approve(
            profile=profile, by=approver, weekly_cap=Decimal("4.5"), ends_on=TODAY + timedelta(days=90)
        )
        profile.refresh_from_db()
        assert profile.is_listed
    assert (profile.status, profile.weekly_cap, profile.approved_by) == (
        ProfileStatus.APPROVED,
        4.5,
        approver,
    )
    assert OutboundEmail.objects.filter(kind="profile_approved", to=specialist.email).exists()
    moves = ProfileStatusChange.objects.filter(profile=profile).order_by("id")
    assert [(m.to_status, m.changed_by) for m in moves] == [("submitted", specialist), ("approved", approver)]


@pytest.mark.parametrize(
    ("cap", "days", "message"),
    [
        (Decimal("5"), 0, "must be in the future"),
        (Decimal("5"), 400, "no more than 12 months"),
        (Decimal("0"), 30, "between 0.5 and 48"),
        (Decimal("2.25"), 30, "in half hours"),
        (Decimal("NaN"), 30, "must be a number"),
    ],
)
def test_approval_refuses_bad_terms_and_changes_nothing(profile, specialist, approver, cap, days, message):
    approval.profile_submit(profile=profile, by=specialist)
    with pytest.raises(services.PoolError, match=message):
        approval.profile_approve(
            profile=profile, by=approver, weekly_cap=cap, ends_on=TODAY + timedelta(days=days), today=TODAY
        )
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED
    assert profile.weekly_cap is None


def test_only_an_approver_of_the_same_council_may_approve(profile, specialist, other_admin, council_admin):
    approval.profile_submit(profile=profile, by=specialist)
    for person in (other_admin, council_admin, specialist):
        with pytest.raises(services.PoolError):
            approval.profile_approve(
                profile=profile, by=person, weekly_cap=Decimal("5"), ends_on=TODAY + timedelta(days=30), today=TODAY
            )
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


def test_a_specialist_who_is_also_an_approver_cannot_approve_themselves(profile, specialist):
    specialist.roles = ["approver", "specialist"]
    specialist.save()
    approval.profile_submit(profile=profile, by=specialist)
    with pytest.raises(services.PoolError, match="cannot approve your own profile"):
        approval.profile_approve(
            profile=profile, by=specialist, weekly_cap=Decimal("5"), ends_on=TODAY + timedelta(days=30), today=TODAY
        )


def test_returning_needs_a_reason_and_tells_the_specialist(profile, specialist, approver):
    approval.profile_submit(profile=profile, by=specialist)
    with pytest.raises(services.PoolError, match="Enter what the specialist needs to change"):
        approval.profile_return(profile=profile, by=approver, reason=" ")
    approval.profile_return(profile=profile, by=approver, reason="Add a past project")
    profile.refresh_from_db()
    assert (profile.status, profile.returned_reason) == (ProfileStatus.RETURNED, "Add a past project")
    assert "Add a past project" in OutboundEmail.objects.get(kind="profile_returned").body_text
    approval.profile_submit(profile=profile, by=specialist)  # and can be submitted again
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


def test_withdrawing_unlists_at_once_keeps_booked_weeks_and_tells_both(approved, specialist, approver, council_admin):
    weekly_hours.pattern_set(profile=approved, by=specialist, hours=Decimal("3"), starts_on=TODAY, ends_on=None)
    booked = approved.slots.order_by("week_start").first()
    force_fields(booked, status=SlotStatus.BOOKED)
    approval.profile_withdraw(profile=approved, by=approver, reason="Team restructure")
    approved.refresh_from_db()
    assert approved.status == ProfileStatus.WITHDRAWN
    assert not approved.is_listed
    booked.refresh_from_db()
    assert booked.status == SlotStatus.BOOKED
    recipients = set(OutboundEmail.objects.filter(kind="profile_withdrawn").values_list("to", flat=True))
    assert {specialist.email, council_admin.email} <= recipients
    body = OutboundEmail.objects.filter(kind="profile_withdrawn", to=specialist.email).get().body_text
    assert "Weeks already held or booked stay" in body


def test_approval_expires_the_day_after_its_end_date(approved):
    end = approved.approval_ends_on
    assert approval.profiles_expire(today=end) == 0
    approved.refresh_from_db()
    assert approved.status == ProfileStatus.APPROVED
    assert approval.profiles_expire(today=end + timedelta(days=1)) == 1
    assert approval.profiles_expire(today=end + timedelta(days=1)) == 0  # twice changes nothing
    approved.refresh_from_db()
    assert approved.status == ProfileStatus.EXPIRED
    assert OutboundEmail.objects.filter(kind="profile_expired").exists()


def test_a_reminder_goes_once_before_the_approval_ends(approved, specialist, approver):
    end = approved.approval_ends_on
    assert approval.approval_reminders_send(today=end - timedelta(days=20)) == 0
    assert approval.approval_reminders_send(today=end - timedelta(days=14)) == 1
    assert approval.approval_reminders_send(today=end - timedelta(days=13)) == 0
    recipients = set(OutboundEmail.objects.filter(kind="approval_ending").values_list("to", flat=True))
    assert recipients == {specialist.email, approver.email}


def test_a_new_end_date_earns_a_new_reminder(approved, approver):
    end = approved.approval_ends_on
    approval.approval_reminders_send(today=end - timedelta(days=10))
    approval.profile_approve(
        profile=approved,
        by=approver,
        weekly_cap=Decimal("5"),
        ends_on=end + timedelta(days=60),
        today=end - timedelta(days=10),
    )
    assert approval.approval_reminders_send(today=end + timedelta(days=50)) == 1


def test_the_approval_form_refuses_a_cap_or_end_date_that_is_not_one():
    """What the service no longer parses: the form refuses it with a message on the field."""
    form = ApproveForm({"weekly_cap": "lots", "ends_on_0": "31", "ends_on_1": "2", "ends_on_2": "2027"})
    assert not form.is_valid()
    assert form.errors["weekly_cap"] == ["The weekly cap must be a number, like 3 or 2.5"]
    assert form.errors["ends_on"] == ["Approval end date must be a real date"]
