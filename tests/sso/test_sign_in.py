"""Signing in through a council's own OpenID Connect provider, a real one (tests/sso/oidc_provider.mjs):
the two-step sign-in, first-time linking, what is refused (and that nothing is made then), "single sign-on
only", the session's end and the audit trail."""

import time
from datetime import timedelta
from unittest import mock

import jwt
import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from audit.models import AuditEvent
from councils.models import CouncilStatus, Invitation, MembershipStatus, Role, User
from notifications.models import OutboundEmail as OutboxEmail
from tests.conftest import PASSWORD
from tests.factories import UserFactory

from .conftest import CLIENT_ID, PROVIDER_KEY, callback_path, provider_round_trip, sso_on

pytestmark = pytest.mark.django_db


def test_the_first_question_is_the_work_e_mail_and_it_leads_to_the_council_account_or_a_password(
    client, alphaton_sso, other_council
):
    sso_page = client.post(reverse("account_login"), {"step": "email", "email": "Someone@Alphaton.gov.uk"})
    assert b"Continue with your council account" in sso_page.content
    assert b"Sign in with a password instead" in sso_page.content
    # the page's form leads to the provider: CSP's form-action allows its origin
    assert alphaton_sso.provider_origin in sso_page["Content-Security-Policy"]

    password_page = client.post(reverse("account_login"), {"step": "email", "email": "someone@betaford.gov.uk"})
    assert b'name="password"' in password_page.content
    assert b'value="someone@betaford.gov.uk"' in password_page.content
    assert b"Continue with your council account" not in password_page.content

    wrong = client.post(reverse("account_login"), {"step": "email", "email": "not an address"})
    assert b"Enter an e-mail address in the correct format" in wrong.content


def test_first_sign_in_links_the_existing_account_then_signs_in_again_with_the_link(
    client, council_admin, alphaton_sso
):
    callback = provider_round_trip(client, slug="alphaton", login="ada")
    response = client.get(callback_path(callback))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").context["user"] == council_admin
    link = SocialAccount.objects.get(user=council_admin)
    assert link.provider == "council-alphaton"
    assert link.uid == "ada"
    # the session ends after SSO_SESSION_HOURS (8), whatever "keep me signed in" would have done
    assert 8 * 3600 - 5 <= client.session.get_expiry_age() <= 8 * 3600
    assert AuditEvent.objects.filter(action="sso.signed_in", object_id=str(council_admin.pk)).count() == 1

    client.logout()
    again = client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    assert again.status_code == 302
    assert SocialAccount.objects.filter(user=council_admin).count() == 1
    assert AuditEvent.objects.filter(action="sso.signed_in").count() == 2


def test_an_invited_person_gets_their_account_at_the_first_sign_in(client, council_admin, alphaton_sso):
    from councils import invitations

    invitations.invitation_create(
        council=alphaton_sso.council,
        email="invited@alphaton.gov.uk",
        roles=[Role.BOOKING_OFFICER],
        invited_by=council_admin,
        full_name="Ivy Invited",
    )
    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="invited")))
    person = User.objects.get(email="invited@alphaton.gov.uk")
    assert person.roles == [Role.BOOKING_OFFICER]
    assert person.membership_status == MembershipStatus.ACTIVE
    assert not person.has_usable_password()
    assert Invitation.objects.get(email="invited@alphaton.gov.uk").accepted_user == person
    assert client.get("/").context["user"] == person


def test_someone_on_the_councils_domain_without_an_account_waits_for_the_administrator(
    client, council_admin, alphaton_sso
):
    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="new")))
    person = User.objects.get(email="new.person@alphaton.gov.uk")
    assert person.membership_status == MembershipStatus.PENDING
    assert person.roles == []
    assert person.full_name == "Nia New"
    assert OutboxEmail.objects.filter(to=council_admin.email, kind="signup_pending").exists()


def _refused_and_nothing_made(response, *, says: str, users_before: int):
    assert response.status_code in (401, 403)
    assert says in response.content.decode()
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()


def test_an_unverified_e_mail_is_refused_and_no_account_is_made(client, officer, alphaton_sso):
    users = User.objects.count()
    response = client.get(callback_path(provider_round_trip(client, slug="alphaton", login="unverified")))
    _refused_and_nothing_made(response, says="has not verified your e-mail address", users_before=users)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").count() == 1


def test_an_address_off_the_councils_domains_is_refused(client, alphaton_sso):
    users = User.objects.count()
    response = client.get(callback_path(provider_round_trip(client, slug="alphaton", login="stranger")))
    _refused_and_nothing_made(response, says="is not on an e-mail domain Alphaton has registered", users_before=users)


def test_another_councils_provider_cannot_sign_in_this_councils_people(
    client, council_admin, alphaton_sso, betaford, other_provider
):
    """Betaford's tenant vouches for an Alphaton address: refused (the address is not on Betaford's domains)."""
    sso_on(council=betaford, issuer=other_provider, client_id="talent-pool-betaford", secret="betaford-client-secret")
    users = User.objects.count()
    response = client.get(callback_path(provider_round_trip(client, slug="betaford", login="beta-claims-alpha")))
    _refused_and_nothing_made(response, says="is not on an e-mail domain Betaford has registered", users_before=users)


def test_a_council_that_is_not_active_refuses_sign_in_before_going_to_the_provider(client, alphaton_sso):
    council = alphaton_sso.council
    type(council).objects.filter(pk=council.pk).update(status=CouncilStatus.SUSPENDED)
    response = client.post("/accounts/oidc/council-alphaton/login/", {"process": "login"})
    assert response.status_code == 403
    assert "Alphaton is not active on LocalGov Talent Pool" in response.content.decode()
    assert not AuditEvent.objects.exists()  # nothing written: nobody has signed in anywhere
    assert not SocialAccount.objects.exists()
    # and its domain gets the password form, not the council account
    step = client.post(reverse("account_login"), {"step": "email", "email": "admin@alphaton.gov.uk"})
    assert b"Continue with your council account" not in step.content


# --- ID tokens that must not be trusted ---------------------------------------------------------------
# The provider's discovery document and keys are real; only the token endpoint's answer is replaced, with
# an ID token signed with the provider's own key (PROVIDER_KEY), so each defect is the only one; the bad
# signature is a stranger's key under the provider's key id.


@pytest.fixture(scope="module")
def provider_kid(provider):
    return requests.get(f"{provider}/jwks", timeout=5).json()["keys"][0]["kid"]


def _token(issuer, *, kid, key, audience=CLIENT_ID, expires_in=300, **claims):
    now = int(time.time())
    payload = {
        "iss": issuer,
        "sub": "ada",
        "aud": audience,
        "iat": now - 10,
        "exp": now + expires_in,
        "email": "admin@alphaton.gov.uk",
        "email_verified": True,
        **claims,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def _callback_with(client, id_token):
    """Start at the real provider, then have its token endpoint answer with `id_token`."""
    callback = provider_round_trip(client, slug="alphaton", login="ada")
    answer = {"access_token": "opaque", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
    with mock.patch("allauth.socialaccount.providers.oauth2.client.OAuth2Client.get_access_token", return_value=answer):
        return client.get(callback_path(callback))


FORGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_a_token_signed_as_the_provider_signs_is_accepted(client, council_admin, alphaton_sso, provider, provider_kid):
    """The control for the cases below: the same token with no defect signs Ada in."""
    response = _callback_with(client, _token(provider, kid=provider_kid, key=PROVIDER_KEY))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(council_admin.pk)


@pytest.mark.parametrize(
    "defect",
    ["bad signature", "wrong issuer", "wrong audience", "expired"],
)
def test_an_id_token_with_a_defect_is_refused(client, council_admin, alphaton_sso, provider, provider_kid, defect):
    issuer = {"wrong issuer": "http://127.0.0.1:1/another-tenant"}.get(defect, provider)
    audience = {"wrong audience": "another-service"}.get(defect, CLIENT_ID)
    expires_in = -60 if defect == "expired" else 300
    key = FORGER if defect == "bad signature" else PROVIDER_KEY
    token = _token(issuer, kid=provider_kid, key=key, audience=audience, expires_in=expires_in)
    users = User.objects.count()
    response = _callback_with(client, token)
    _refused_and_nothing_made(response, says="could not be checked", users_before=users)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="sso.sign_in_refused").exists()


# --- single sign-on only -----------------------------------------------------------------------------


def test_single_sign_on_only_refuses_passwords_resets_and_sign_ups(client, council, officer, provider):
    sso_on(council=council, issuer=provider, passwords_allowed=False)
    step = client.post(reverse("account_login"), {"step": "email", "email": officer.email})
    assert b"Sign in with a password instead" not in step.content

    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "signs its people in with their council account" in response.content.decode()

    mail.outbox.clear()
    reset = client.post(reverse("account_reset_password"), {"email": officer.email})
    assert "no password to reset here" in reset.content.decode()
    assert not OutboxEmail.objects.filter(to=officer.email).exists()
    assert not mail.outbox

    signup = client.post(
        reverse("account_signup"),
        {
            "full_name": "Pat New",
            "email": "pat@alphaton.gov.uk",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert "signs its people in with their council account" in signup.content.decode()
    assert not User.objects.filter(email="pat@alphaton.gov.uk").exists()


def test_passwords_still_work_for_a_council_that_allows_them(client, officer, alphaton_sso):
    client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(officer.pk)


# --- Microsoft Entra ID -------------------------------------------------------------------------------


def test_entra_settings_pin_the_tenant_and_its_tid(council, council_admin):
    from sso import services
    from sso.models import SsoKind

    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    sso = services.sso_save(
        council=council,
        by=council_admin,
        kind=SsoKind.ENTRA,
        tenant_id=tenant.upper(),
        client_id="app",
        secret="s",
        passwords_allowed=True,
    )
    assert sso.server_url == f"https://login.microsoftonline.com/{tenant}/v2.0"
    sso.status, sso.checked_at = "on", timezone.now()
    sso.save()
    claims = {"email": council_admin.email, "tid": tenant}
    assert services.sso_sign_in_account(sso=sso, claims=claims) == council_admin  # Entra sends no email_verified
    with pytest.raises(services.SignInRefused, match="different Microsoft 365 organisation"):
        services.sso_sign_in_account(sso=sso, claims={**claims, "tid": "00000000-0000-0000-0000-000000000000"})
    with pytest.raises(services.SignInRefused, match="did not give us your e-mail address"):
        services.sso_sign_in_account(sso=sso, claims={"tid": tenant})


def test_a_removed_member_is_refused(client, alphaton_sso, council):
    removed = UserFactory(council=council, email="officer@alphaton.gov.uk", membership_status=MembershipStatus.REMOVED)
    from sso import services

    with pytest.raises(services.SignInRefused, match="has been closed"):
        services.sso_sign_in_account(sso=alphaton_sso, claims={"email": removed.email, "email_verified": True})


def test_another_councils_account_is_refused_by_address_or_by_link_and_nothing_is_changed(alphaton_sso, betaford):
    """An account of another council is not signed in through this council's service: whether the
    provider gives its address or a subject linked to it. Its e-mail addresses are left as they were."""
    from sso import services

    elsewhere = UserFactory(council=betaford, email="officer@alphaton.gov.uk")
    addresses = list(EmailAddress.objects.filter(user=elsewhere).values_list("email", "verified", "primary"))
    with pytest.raises(services.SignInRefused, match="The account for officer@alphaton.gov.uk belongs to another"):
        services.sso_sign_in_account(sso=alphaton_sso, claims={"email": elsewhere.email, "email_verified": True})
    with pytest.raises(services.SignInRefused, match="Your account here belongs to another council"):
        services.sso_sign_in_linked(sso=alphaton_sso, user=elsewhere)
    assert list(EmailAddress.objects.filter(user=elsewhere).values_list("email", "verified", "primary")) == addresses


def test_a_sign_in_begun_before_single_sign_on_was_turned_off_is_refused_at_the_callback(
    client, council_admin, alphaton_sso
):
    callback = provider_round_trip(client, slug="alphaton", login="ada")
    type(alphaton_sso).objects.filter(pk=alphaton_sso.pk).update(status="off")
    response = client.get(callback_path(callback))
    assert response.status_code == 403
    assert "Single sign-on is not on for Alphaton" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert timezone.now() - timedelta(minutes=1) < AuditEvent.objects.get(action="sso.sign_in_refused").at


# --- after review ----------------------------------------------------------------------------------------


def test_another_councils_invitation_is_not_taken_up_through_this_councils_sign_in(
    client, council_admin, alphaton_sso, betaford
):
    from councils import invitations

    beta_admin = UserFactory(council=betaford, roles=[Role.COUNCIL_ADMIN], email="admin@betaford.gov.uk")
    invitations.invitation_create(
        council=betaford, email="invited@alphaton.gov.uk", roles=[Role.FINANCE_OFFICER], invited_by=beta_admin
    )
    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="invited")))
    person = User.objects.get(email="invited@alphaton.gov.uk")
    assert person.council == alphaton_sso.council  # a sign-up waiting at Alphaton, not Betaford's member
    assert person.membership_status == MembershipStatus.PENDING
    assert person.roles == []
    assert Invitation.objects.get(email="invited@alphaton.gov.uk").accepted_at is None


def test_a_linked_person_whose_address_changed_signs_in_and_nothing_is_made(client, council_admin, alphaton_sso):
    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    client.logout()
    User.objects.filter(pk=council_admin.pk).update(email="ada.newname@alphaton.gov.uk")
    EmailAddress.objects.filter(user=council_admin).update(email="ada.newname@alphaton.gov.uk")
    users = User.objects.count()
    response = client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(council_admin.pk)
    assert User.objects.count() == users


def test_a_linked_person_now_removed_is_refused_and_nothing_is_made(client, council_admin, alphaton_sso):
    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    client.logout()
    User.objects.filter(pk=council_admin.pk).update(membership_status=MembershipStatus.REMOVED, is_active=False)
    users, emails = User.objects.count(), OutboxEmail.objects.count()
    response = client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    assert response.status_code == 403
    assert "has been closed" in response.content.decode()
    assert (User.objects.count(), OutboxEmail.objects.count()) == (users, emails)


def test_the_session_ends_at_a_fixed_time_however_busy_it_is(client, council_admin, alphaton_sso):
    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    ends = client.session.get_expiry_date()
    assert timedelta(hours=7, minutes=59) < ends - timezone.now() <= timedelta(hours=8)
    with freeze_time(timezone.now() + timedelta(hours=6)):
        assert client.get("/").context["user"] == council_admin
        assert client.session.get_expiry_date() == ends  # not pushed back by the request
    with freeze_time(ends + timedelta(minutes=1)):
        assert client.get("/").context["user"].is_anonymous


def test_an_account_at_another_council_is_sent_to_the_password_form_not_this_domains_provider(
    client, alphaton_sso, betaford, provider
):
    UserFactory(council=betaford, roles=[Role.BOOKING_OFFICER], email="moved@alphaton.gov.uk")
    step = client.post(reverse("account_login"), {"step": "email", "email": "moved@alphaton.gov.uk"})
    assert b'name="password"' in step.content
    assert b"Continue with your council account" not in step.content


def test_erasing_a_leaver_removes_the_link_to_their_councils_sign_in(client, council_admin, alphaton_sso):
    from councils import members

    client.get(callback_path(provider_round_trip(client, slug="alphaton", login="ada")))
    assert SocialAccount.objects.filter(user=council_admin).exists()
    members.member_anonymise(member=council_admin, by=council_admin)
    assert not SocialAccount.objects.filter(user=council_admin).exists()
