"""SpecialistProfile.listed_standing, kept by the database, gives the search the same profiles as the listing
rule in Python (profile_listed_filter) after every change either depends on, however it is written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from councils.models import AgreementAcceptance, Council, CouncilStatus, MembershipStatus, Role, User
from councils.services import agreement_publish
from talentpool.models import ProfileStatus, SpecialistProfile
from talentpool.selectors import SearchParams, profile_listed_filter, profile_listed_standing_filter, specialist_search
from tests.factories import ActiveCouncilFactory, UserFactory, force_fields, specialist_profile

pytestmark = pytest.mark.django_db


def listed_both_ways() -> tuple[set[str], set[str]]:
    """Who is listed by the Python rule, and by the stored standing."""
    today = timezone.localdate()

    def names(q):
        return set(SpecialistProfile.objects.filter(q).values_list("user__full_name", flat=True))

    return names(profile_listed_filter(today=today)), names(profile_listed_standing_filter(today=today))


@pytest.fixture
def pool(council, other_council):
    """Three listed specialists: two at Betaford, one at a third council."""
    third = ActiveCouncilFactory(code="CCC", name="Gammaton Council", short_name="Gammaton", slug="gammaton")
    return {
        "ann": specialist_profile(other_council, full_name="Ann"),
        "bob": specialist_profile(other_council, full_name="Bob"),
        "cat": specialist_profile(third, full_name="Cat"),
    }


def searched(viewer) -> set[str]:
    return {p.user.full_name for p in specialist_search(viewer=viewer, params=SearchParams())}


CHANGES = {
    # each: what changes, and who is then listed
    "user deactivated": (lambda p: User.objects.filter(pk=p["ann"].user_id).update(is_active=False), {"bob", "cat"}),
    "membership removed": (
        lambda p: force_fields(p["ann"].user, membership_status=MembershipStatus.REMOVED),
        {"bob", "cat"},
    ),
    "specialist role removed": (
        lambda p: force_fields(p["bob"].user, roles=[Role.BOOKING_OFFICER]),
        {"ann", "cat"},
    ),
    "council suspended": (
        lambda p: force_fields(Council.objects.filter(pk=p["ann"].council_id), status=CouncilStatus.SUSPENDED),
        {"cat"},
    ),
    "acceptance removed": (
        lambda p: AgreementAcceptance.objects.filter(council_id=p["cat"].council_id).delete(),
        {"ann", "bob"},
    ),
    "new agreement published": (lambda p: agreement_publish(title="Version 2", body="New terms."), set()),
    "profile withdrawn": (
        lambda p: force_fields(SpecialistProfile.objects.filter(pk=p["cat"].pk), status=ProfileStatus.WITHDRAWN),
        {"ann", "bob"},
    ),
    "approval ended": (
        lambda p: SpecialistProfile.objects.filter(pk=p["cat"].pk).update(
            approval_ends_on=timezone.localdate() - timedelta(days=1)
        ),
        {"ann", "bob"},
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_stored_standing_follows_every_change_the_rule_depends_on(pool, council, change):
    viewer = UserFactory(council=council, roles=[Role.BOOKING_OFFICER])
    assert listed_both_ways() == ({"Ann", "Bob", "Cat"},) * 2
    do, expected = CHANGES[change]
    do(pool)
    expected_names = {n.capitalize() for n in expected}
    assert listed_both_ways() == (expected_names, expected_names)
    assert searched(viewer) == expected_names


def test_standing_comes_back_when_the_change_is_undone(pool, council):
    """Reactivated, the council accepting the new agreement: listed again, both ways."""
    ann = pool["ann"]
    User.objects.filter(pk=ann.user_id).update(is_active=False)
    User.objects.filter(pk=ann.user_id).update(is_active=True)
    agreement = agreement_publish(title="Version 2", body="New terms.")
    assert listed_both_ways() == (set(), set())
    admin = UserFactory(council=ann.council, roles=[Role.COUNCIL_ADMIN])
    AgreementAcceptance.objects.create(council=ann.council, agreement=agreement, accepted_by=admin)
    assert listed_both_ways() == ({"Ann", "Bob"}, {"Ann", "Bob"})


def test_a_profile_saved_from_an_old_copy_keeps_the_stored_standing(pool):
    """The column is the database's: a profile read before its council was suspended and saved afterwards
    does not put back what it read."""
    stale = SpecialistProfile.objects.get(pk=pool["ann"].pk)
    force_fields(Council.objects.filter(pk=stale.council_id), status=CouncilStatus.SUSPENDED)
    stale.headline = "Changed headline"
    stale.save()
    assert listed_both_ways() == ({"Cat"}, {"Cat"})


def test_an_acceptance_changed_in_place_moves_its_councils_profiles(pool):
    """An acceptance moved to the new version by an UPDATE (the admin, a data fix): that council's profiles
    are listed again, both ways."""
    agreement = agreement_publish(title="Version 2", body="New terms.")
    assert listed_both_ways() == (set(), set())
    AgreementAcceptance.objects.filter(council_id=pool["ann"].council_id).update(agreement=agreement)
    assert listed_both_ways() == ({"Ann", "Bob"}, {"Ann", "Bob"})
