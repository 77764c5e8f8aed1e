"""Races against real PostgreSQL: separate connections in threads, started together by a barrier."""

import threading

import pytest
from django.db import connection

from councils import invitations, members, services
from councils.models import Invitation, Role, User
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


def race(n, action):
    """Run `action(i)` in `n` threads at once; return (results, errors)."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(action(i))
        except Exception as exc:  # collected for the assertions
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_one_invitation_link_used_at_once_from_ten_places_makes_one_account(new_council, staff):
    _invitation, token = invitations.invitation_create(
        council=new_council, email="chief@newtown.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    results, errors = race(
        10,
        lambda i: invitations.invitation_accept(token=token, full_name=f"Person {i}", password="a-long-passphrase-1"),
    )
    assert len(results) == 1
    assert len(errors) == 9
    assert all(isinstance(e, services.CouncilError) for e in errors), errors
    assert User.objects.filter(email="chief@newtown.gov.uk").count() == 1


def test_two_administrators_inviting_the_same_person_at_once_send_one_invitation(council, council_admin):
    second = User.objects.create_user(
        email="second@alphaton.gov.uk", full_name="Second Admin", council=council, roles=[Role.COUNCIL_ADMIN]
    )
    admins = [council_admin, second]
    results, errors = race(
        2,
        lambda i: invitations.invitation_create(
            council=council, email="new@alphaton.gov.uk", roles=[Role.SPECIALIST], invited_by=admins[i]
        ),
    )
    assert len(results) == 1
    assert [str(e) for e in errors] == ["new@alphaton.gov.uk already has an invitation waiting. Resend it instead."]
    assert Invitation.objects.filter(email="new@alphaton.gov.uk").count() == 1
    assert OutboundEmail.objects.filter(kind="invitation", to="new@alphaton.gov.uk").count() == 1


def test_two_administrators_demoting_each_other_at_once_leave_one_administrator(council, council_admin):
    # The factory's own agreement-accepting administrator is a second one.
    other = council.users.exclude(pk=council_admin.pk).get(roles__contains=[Role.COUNCIL_ADMIN])
    pairs = [(council_admin, other), (other, council_admin)]
    results, errors = race(
        2, lambda i: members.member_roles_change(member=pairs[i][1], roles=[Role.SPECIALIST], by=pairs[i][0])
    )
    assert len(results) == 1
    assert len(errors) == 1
    assert User.objects.filter(council=council, roles__contains=[Role.COUNCIL_ADMIN]).count() == 1
