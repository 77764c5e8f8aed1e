"""Onboarding: the agreement (versioned), finance details, activation, suspension, members and sign-ups."""

import pytest

from councils import members, selectors, services
from councils.models import (
    AgreementAcceptance,
    CouncilDomain,
    CouncilStatus,
    MembershipStatus,
    Role,
)
from notifications.models import OutboundEmail
from tests.factories import ActiveCouncilFactory, CouncilFactory, UserFactory, force_fields

pytestmark = pytest.mark.django_db

FINANCE = {
    "invoice_address": "Town Hall\nNewtown\nNT1 1AA",
    "finance_email": "Finance@Newtown.gov.uk",
    "payment_terms_days": 30,
    "po_required": True,
    "vat_status": "registered",
    "vat_number": "gb 123 4567 89",
    "domains": ["newtown.gov.uk", "@NEWTOWN-council.org.uk"],
}


@pytest.fixture
def onboarding(db):
    council = CouncilFactory(code="ONB", name="Onboard Council", short_name="Onboard", slug="onboard")
    force_fields(council, status=CouncilStatus.ONBOARDING)
    admin = UserFactory(council=council, roles=[Role.COUNCIL_ADMIN], email="admin@newtown.gov.uk")
    return council, admin


def test_agreement_acceptance_records_who_when_and_which_version(onboarding):
    council, admin = onboarding
    agreement = selectors.agreement_current()
    acceptance = services.agreement_accept(council=council, agreement=agreement, by=admin)
    assert (acceptance.council, acceptance.agreement.version, acceptance.accepted_by) == (council, 1, admin)
    assert acceptance.accepted_at is not None
    assert selectors.council_has_accepted_current_agreement(council=council)


def test_a_new_agreement_version_must_be_accepted_again(council, council_admin):
    assert selectors.council_can_transact(council=council)
    old = selectors.agreement_current()
    new = services.agreement_publish(title="Agreement", body="Version two words")
    assert new.version == old.version + 1
    assert not selectors.council_has_accepted_current_agreement(council=council)
    assert not selectors.council_can_transact(council=council)

    with pytest.raises(services.CouncilError, match="newer version"):
        services.agreement_accept(council=council, agreement=old, by=council_admin)

    services.agreement_accept(council=council, agreement=new, by=council_admin)
    assert selectors.council_can_transact(council=council)
    assert AgreementAcceptance.objects.filter(council=council).count() == 2


def test_accepting_the_same_version_twice_is_refused(onboarding):
    council, admin = onboarding
    agreement = selectors.agreement_current()
    services.agreement_accept(council=council, agreement=agreement, by=admin)
    with pytest.raises(services.CouncilError, match="already accepted"):
        services.agreement_accept(council=council, agreement=agreement, by=admin)
    assert AgreementAcceptance.objects.filter(council=council).count() == 1


def test_finance_details_alone_do_not_activate_the_council(onboarding):
    council, admin = onboarding
    services.council_finance_update(council=council, by=admin, **FINANCE)
    council.refresh_from_db()
    assert council.status == CouncilStatus.ONBOARDING
    assert council.finance_email == "finance@newtown.gov.uk"
    assert council.vat_number == "GB123456789"
    assert sorted(council.domains.values_list("domain", flat=True)) == [
        "newtown-council.org.uk",
        "newtown.gov.uk",
    ]


def test_agreement_and_finance_details_make_the_council_active(onboarding):
    council, admin = onboarding
    services.council_finance_update(council=council, by=admin, **FINANCE)
    services.agreement_accept(council=council, agreement=selectors.agreement_current(), by=admin)
    council.refresh_from_db()
    assert council.status == CouncilStatus.ACTIVE
    assert council.activated_at is not None
    assert list(council.status_changes.values_list("to_status", flat=True)) == ["active"]


def test_a_domain_already_used_by_another_council_is_refused_and_nothing_changes(onboarding, other_council):
    council, admin = onboarding
    with pytest.raises(services.CouncilError, match="betaford.gov.uk is already used by another council"):
        services.council_finance_update(council=council, by=admin, **{**FINANCE, "domains": ["betaford.gov.uk"]})
    council.refresh_from_db()
    assert council.finance_email == ""
    assert not council.domains.exists()


@pytest.mark.parametrize("domain", ["not a domain", "nodot", "bad..gov.uk", "-x.gov.uk", "x.123"])
def test_malformed_domains_are_refused(onboarding, domain):
    council, admin = onboarding
    with pytest.raises(services.CouncilError, match="is not an e-mail domain"):
        services.council_finance_update(council=council, by=admin, **{**FINANCE, "domains": [domain]})
    assert not CouncilDomain.objects.filter(council=council).exists()


def test_changing_domains_removes_the_ones_left_out(council, council_admin):
    services.council_finance_update(council=council, by=council_admin, **{**FINANCE, "domains": ["new.gov.uk"]})
    assert list(council.domains.values_list("domain", flat=True)) == ["new.gov.uk"]


def test_suspend_and_reinstate_tell_the_council_administrators(council, council_admin, staff):
    services.council_suspend(council=council, by=staff, reason="Unpaid invoices")
    council.refresh_from_db()
    assert council.status == CouncilStatus.SUSPENDED
    assert not selectors.council_can_transact(council=council)
    assert OutboundEmail.objects.filter(kind="council_suspended", to=council_admin.email).exists()
    assert "Unpaid invoices" in OutboundEmail.objects.get(kind="council_suspended", to=council_admin.email).body_text

    services.council_reinstate(council=council, by=staff)
    council.refresh_from_db()
    assert council.status == CouncilStatus.ACTIVE
    assert selectors.council_can_transact(council=council)
    history = list(council.status_changes.order_by("changed_at", "id").values_list("to_status", flat=True))
    assert history == ["suspended", "active"]


def test_suspension_needs_a_reason_and_an_active_council(new_council, council, staff):
    with pytest.raises(services.CouncilError, match="Enter the reason"):
        services.council_suspend(council=council, by=staff, reason="  ")
    with pytest.raises(services.CouncilError, match="Only an active or onboarding council"):
        services.council_suspend(council=new_council, by=staff, reason="Why not")
    council.refresh_from_db()
    assert council.status == CouncilStatus.ACTIVE


def test_a_council_suspended_while_onboarding_returns_to_onboarding(onboarding, staff):
    council, _admin = onboarding
    services.council_suspend(council=council, by=staff, reason="Checks")
    services.council_reinstate(council=council, by=staff)
    council.refresh_from_db()
    assert council.status == CouncilStatus.ONBOARDING


def test_the_last_council_administrator_cannot_drop_the_role(council, council_admin):
    # The factory's own agreement-accepting admin is a second administrator: remove them first.
    for other in council.users.exclude(pk=council_admin.pk):
        members.member_remove(member=other, by=council_admin)
    with pytest.raises(services.CouncilError, match="only council administrator"):
        members.member_roles_change(member=council_admin, roles=[Role.SPECIALIST], by=council_admin)
    council_admin.refresh_from_db()
    assert council_admin.roles == [Role.COUNCIL_ADMIN]


def test_roles_can_be_changed(council, council_admin, officer):
    members.member_roles_change(member=officer, roles=[Role.SPECIALIST, Role.FINANCE_OFFICER], by=council_admin)
    officer.refresh_from_db()
    assert officer.roles == [Role.FINANCE_OFFICER, Role.SPECIALIST]
    with pytest.raises(services.CouncilError, match="Select at least one role"):
        members.member_roles_change(member=officer, roles=[], by=council_admin)


def test_an_administrator_cannot_touch_another_councils_people(council_admin, other_admin):
    with pytest.raises(services.CouncilError, match="not a member of your council"):
        members.member_remove(member=other_admin, by=council_admin)
    with pytest.raises(services.CouncilError, match="not a member of your council"):
        members.member_roles_change(member=other_admin, roles=[Role.SPECIALIST], by=council_admin)
    other_admin.refresh_from_db()
    assert other_admin.is_active
    assert other_admin.roles == [Role.COUNCIL_ADMIN]


def test_removing_a_colleague_stops_them_signing_in(council_admin, officer):
    members.member_remove(member=officer, by=council_admin)
    officer.refresh_from_db()
    assert officer.membership_status == MembershipStatus.REMOVED
    assert not officer.is_active
    with pytest.raises(services.CouncilError, match="cannot remove yourself"):
        members.member_remove(member=council_admin, by=council_admin)


def test_signup_on_an_allowed_domain_waits_for_approval_then_is_approved(council, council_admin):
    assert members.council_for_signup_email(email="New.Person@ALPHATON.gov.uk") == council
    user = UserFactory(council=None, roles=[], email="new.person@alphaton.gov.uk", membership_status="pending")
    members.member_signup_record(user=user, council=council)
    user.refresh_from_db()
    assert user.membership_status == MembershipStatus.PENDING
    assert OutboundEmail.objects.filter(kind="signup_pending", to=council_admin.email).exists()

    members.member_signup_approve(member=user, roles=[Role.SPECIALIST], by=council_admin)
    user.refresh_from_db()
    assert user.membership_status == MembershipStatus.ACTIVE
    assert user.has_role(Role.SPECIALIST)
    assert OutboundEmail.objects.filter(kind="signup_approved", to=user.email).exists()


def test_a_rejected_signup_cannot_sign_in(council, council_admin):
    user = UserFactory(council=None, roles=[], email="nope@alphaton.gov.uk", membership_status="pending")
    members.member_signup_record(user=user, council=council)
    members.member_signup_reject(member=user, by=council_admin)
    user.refresh_from_db()
    assert user.membership_status == MembershipStatus.REMOVED
    assert not user.is_active


def test_signup_domains_of_councils_that_are_not_active_do_not_count(db):
    suspended = ActiveCouncilFactory(code="SUS", slug="suspendedshire", status=CouncilStatus.SUSPENDED)
    assert members.council_for_signup_email(email="a@suspendedshire.gov.uk") is None
    assert members.council_for_signup_email(email="a@nowhere.gov.uk") is None
    assert suspended.domains.exists()


@pytest.mark.parametrize("domain", ["gmail.com", "GOV.UK", "outlook.com"])
def test_public_mail_domains_cannot_be_claimed(onboarding, domain):
    council, admin = onboarding
    with pytest.raises(services.CouncilError, match="is a public e-mail service"):
        services.council_finance_update(council=council, by=admin, **{**FINANCE, "domains": ["newtown.gov.uk", domain]})
    assert not CouncilDomain.objects.filter(council=council).exists()
