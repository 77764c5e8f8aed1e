"""Invitations: create, resend, cancel, accept, expiry and reuse."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from freezegun import freeze_time

from councils import invitations, services
from councils.models import CouncilStatus, CouncilStatusChange, Invitation, Role, User
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-and-unusual-passphrase"


def invite_first_admin(council, staff, email="chief@newtown.gov.uk"):
    return invitations.invitation_create(council=council, email=email, roles=[Role.COUNCIL_ADMIN], invited_by=staff)


def test_inviting_a_councils_first_administrator_marks_it_invited_and_queues_the_email(
    new_council, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = invite_first_admin(new_council, staff, email="  Chief@Newtown.GOV.UK ")

    new_council.refresh_from_db()
    assert new_council.status == CouncilStatus.INVITED
    assert invitation.email == "chief@newtown.gov.uk"
    assert invitation.token_hash != token  # only the digest is stored
    email = OutboundEmail.objects.get(kind="invitation")
    assert email.to == "chief@newtown.gov.uk"
    assert f"/invitation/{token}/" in email.body_text
    assert "council administrator" in email.body_text
    assert email.sent_at is None
    assert len(callbacks) == 1  # the send task is queued only when the transaction commits
    change = CouncilStatusChange.objects.get(council=new_council)
    assert (change.from_status, change.to_status, change.changed_by) == ("not_invited", "invited", staff)


def test_the_first_person_invited_must_be_an_administrator(new_council, staff):
    with pytest.raises(services.CouncilError, match="must be its council administrator"):
        invitations.invitation_create(
            council=new_council, email="x@newtown.gov.uk", roles=[Role.SPECIALIST], invited_by=staff
        )
    new_council.refresh_from_db()
    assert new_council.status == CouncilStatus.NOT_INVITED
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_second_invitation_to_the_same_address_is_refused(new_council, staff):
    invite_first_admin(new_council, staff)
    with pytest.raises(services.CouncilError, match="already has an invitation waiting"):
        invite_first_admin(new_council, staff, email="CHIEF@newtown.gov.uk")
    assert Invitation.objects.count() == 1
    assert OutboundEmail.objects.count() == 1


def test_inviting_someone_who_already_has_an_account_is_refused(council, council_admin, other_admin):
    with pytest.raises(services.CouncilError, match="already has an account with LocalGov Talent Pool"):
        invitations.invitation_create(
            council=council, email=other_admin.email, roles=[Role.SPECIALIST], invited_by=council_admin
        )
    assert not Invitation.objects.exists()


def test_accepting_creates_a_verified_account_with_the_invited_roles(new_council, staff):
    invitation, token = invite_first_admin(new_council, staff)

    user = invitations.invitation_accept(token=token, full_name="Chris Chief", password=GOOD_PASSWORD)

    assert user.council == new_council
    assert user.roles == [Role.COUNCIL_ADMIN]
    assert user.check_password(GOOD_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    new_council.refresh_from_db()
    assert new_council.status == CouncilStatus.ONBOARDING


@pytest.mark.parametrize("name", ["Chris\r\nBcc: x@y.example", "Chris\x1bChief", "Chris \u202efeihC"])
def test_a_name_with_a_line_break_or_hidden_character_is_refused_and_nothing_is_written(new_council, staff, name):
    invitation, token = invite_first_admin(new_council, staff)
    with pytest.raises(services.CouncilError, match="Full name must not include line breaks"):
        invitations.invitation_accept(token=token, full_name=name, password=GOOD_PASSWORD)
    assert not User.objects.filter(council=new_council).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    with pytest.raises(services.CouncilError, match="Full name must not include line breaks"):
        invitations.invitation_create(
            council=new_council, email="b@newtown.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff, full_name=name
        )
    assert not Invitation.objects.filter(email="b@newtown.gov.uk").exists()


def test_an_invitation_cannot_be_used_twice(new_council, staff):
    _invitation, token = invite_first_admin(new_council, staff)
    invitations.invitation_accept(token=token, full_name="Chris Chief", password=GOOD_PASSWORD)
    with pytest.raises(services.CouncilError, match="already been used"):
        invitations.invitation_accept(token=token, full_name="Someone Else", password=GOOD_PASSWORD)
    assert User.objects.filter(council=new_council).count() == 1


def test_an_expired_invitation_cannot_be_accepted(new_council, staff):
    _invitation, token = invite_first_admin(new_council, staff)
    with (
        freeze_time(timezone.now() + timedelta(days=15)),
        pytest.raises(services.CouncilError, match="expired"),
    ):
        invitations.invitation_accept(token=token, full_name="Late Larry", password=GOOD_PASSWORD)
    assert not User.objects.filter(email="chief@newtown.gov.uk").exists()


def test_an_invitation_still_works_on_its_last_day(new_council, staff):
    _invitation, token = invite_first_admin(new_council, staff)
    with freeze_time(timezone.now() + timedelta(days=13, hours=23)):
        assert invitations.invitation_accept(token=token, full_name="Just In Time", password=GOOD_PASSWORD)


def test_an_expired_invitation_no_longer_blocks_a_new_one(new_council, staff):
    old, _token = invite_first_admin(new_council, staff)
    with freeze_time(timezone.now() + timedelta(days=20)):
        new, _token = invite_first_admin(new_council, staff)
    old.refresh_from_db()
    assert old.cancelled_at is not None
    assert new.pk != old.pk


def test_resending_replaces_the_link_and_restarts_the_clock(new_council, staff):
    invitation, old_token = invite_first_admin(new_council, staff)
    with freeze_time(timezone.now() + timedelta(days=10)):
        _invitation, new_token = invitations.invitation_resend(invitation=invitation, by=staff)
        with pytest.raises(services.CouncilError, match="not valid"):
            invitations.invitation_check(token=old_token)
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert OutboundEmail.objects.filter(kind="invitation").count() == 2
    with freeze_time(timezone.now() + timedelta(days=20)):  # past the first expiry, within the second
        assert invitations.invitation_accept(token=new_token, full_name="Chris Chief", password=GOOD_PASSWORD)


def test_cancelling_the_only_invitation_returns_the_council_to_not_invited(new_council, staff):
    invitation, token = invite_first_admin(new_council, staff)
    invitations.invitation_cancel(invitation=invitation, by=staff)
    new_council.refresh_from_db()
    assert new_council.status == CouncilStatus.NOT_INVITED
    with pytest.raises(services.CouncilError, match="cancelled"):
        invitations.invitation_accept(token=token, full_name="Chris Chief", password=GOOD_PASSWORD)
    with pytest.raises(services.CouncilError, match="already been cancelled"):
        invitations.invitation_resend(invitation=invitation, by=staff)


def test_a_weak_password_is_refused_and_no_account_is_made(new_council, staff):
    invitation, token = invite_first_admin(new_council, staff)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        invitations.invitation_accept(token=token, full_name="Chris Chief", password="password")
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_suspended_councils_invitation_cannot_be_accepted(council, council_admin, staff):
    _invitation, token = invitations.invitation_create(
        council=council, email="new@alphaton.gov.uk", roles=[Role.SPECIALIST], invited_by=council_admin
    )
    services.council_suspend(council=council, by=staff, reason="Unpaid invoices")
    with pytest.raises(services.CouncilError, match="suspended"):
        invitations.invitation_accept(token=token, full_name="Sam Spec", password=GOOD_PASSWORD)


def test_accepting_one_admin_invitation_cancels_the_councils_other_open_ones(new_council, staff):
    _first, token = invite_first_admin(new_council, staff, email="one@newtown.gov.uk")
    second, _token = invite_first_admin(new_council, staff, email="two@newtown.gov.uk")
    invitations.invitation_accept(token=token, full_name="One", password=GOOD_PASSWORD)
    second.refresh_from_db()
    assert second.cancelled_at is not None


def test_colleague_invitation_gives_the_chosen_roles(council, council_admin):
    _invitation, token = invitations.invitation_create(
        council=council,
        email="spec@alphaton.gov.uk",
        roles=[Role.SPECIALIST, Role.APPROVER],
        invited_by=council_admin,
    )
    user = invitations.invitation_accept(token=token, full_name="Sam Spec", password=GOOD_PASSWORD)
    assert user.roles == [Role.APPROVER, Role.SPECIALIST]
    assert user.council == council


def test_an_unknown_token_is_refused(db):
    with pytest.raises(services.CouncilError, match="not valid"):
        invitations.invitation_check(token="nonsense")


def test_inviting_into_a_suspended_council_is_refused(council, council_admin, staff):
    services.council_suspend(council=council, by=staff, reason="Audit")
    with pytest.raises(services.CouncilError, match="suspended"):
        invitations.invitation_create(
            council=council, email="x@alphaton.gov.uk", roles=[Role.SPECIALIST], invited_by=council_admin
        )
