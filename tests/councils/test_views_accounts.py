"""Accounts through allauth: sign-up only on an allowed domain, pending approval, verification,
rate-limited sign-in, and every allauth e-mail going through the outbox."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from councils.models import MembershipStatus, User
from notifications.models import OutboundEmail
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def signup(client, email, name="Nia New"):
    return client.post(
        reverse("account_signup"),
        {
            "full_name": name,
            "email": email,
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )


def test_sign_up_with_an_address_outside_any_councils_domains_is_refused(client, council):
    response = signup(client, "someone@gmail.com")
    assert response.status_code == 200
    assert "on a domain your council has registered" in response.content.decode()
    assert not User.objects.filter(email="someone@gmail.com").exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("name", ["Eve Example\r\nBcc: x@y.example", "Eve\tExample", "Eve \u202eelpmaxE"])
def test_sign_up_with_a_line_break_or_hidden_character_in_the_name_is_refused(client, council, council_admin, name):
    """A line break in a name ended up in the e-mail to the council's administrators, which then failed
    on every try."""
    response = signup(client, "eve.example@alphaton.gov.uk", name=name)
    assert response.status_code == 200
    assert "Full name must not include line breaks, tabs or hidden characters" in response.content.decode()
    assert not User.objects.filter(email="eve.example@alphaton.gov.uk").exists()
    assert not OutboundEmail.objects.exists()


def test_an_email_subject_is_one_line_whatever_a_name_holds(council, council_admin):
    """A member who signed up before names were checked still gets their administrators told."""
    from councils import members

    user = User.objects.create_user(
        email="old@alphaton.gov.uk", password=PASSWORD, full_name="Old\r\nBcc: x@y", membership_status="pending"
    )
    members.member_signup_record(user=user, council=council)
    email = OutboundEmail.objects.get(kind="signup_pending", to=council_admin.email)
    assert email.subject.startswith("Old Bcc: x@y has asked to join")


def test_sign_up_on_an_allowed_domain_waits_for_verification_and_approval(client, council, council_admin):
    response = signup(client, "Nia.New@Alphaton.gov.uk")
    assert response.status_code == 302
    user = User.objects.get(email="nia.new@alphaton.gov.uk")
    assert user.council == council
    assert user.full_name == "Nia New"
    assert user.membership_status == MembershipStatus.PENDING
    assert user.roles == []
    confirmation = OutboundEmail.objects.get(to=user.email)
    assert "/accounts/confirm-email/" in confirmation.body_text
    assert OutboundEmail.objects.filter(kind="signup_pending", to=council_admin.email).exists()

    # Unverified: cannot sign in yet.
    client.post(reverse("account_login"), {"login": user.email, "password": "a-long-passphrase-1"})
    assert client.get(reverse("council:setup")).status_code in (302, 403)


def test_a_pending_member_sees_that_they_wait_for_approval(client, council):
    from tests.factories import UserFactory

    pending = UserFactory(council=council, roles=[], membership_status=MembershipStatus.PENDING)
    client.post(reverse("account_login"), {"login": pending.email, "password": PASSWORD})
    body = client.get(reverse("home")).content.decode()
    assert "needs to approve your account" in body


def test_sign_in_is_rate_limited_after_repeated_failures(client, officer):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": officer.email, "password": "wrong"})
        assert response.content.decode().count("The e-mail address or password is not right") == 1  # summary only
    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert "Too many failed attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_removed_member_cannot_sign_in(client, officer):
    officer.is_active = False
    officer.membership_status = MembershipStatus.REMOVED
    officer.save()
    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_sign_in_works_with_the_right_password(client, officer):
    response = client.post(reverse("account_login"), {"login": officer.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_password_reset_is_sent_through_the_outbox(client, officer):
    response = client.post(reverse("account_reset_password"), {"email": officer.email})
    assert response.status_code == 302
    email = OutboundEmail.objects.get(to=officer.email)
    assert "/accounts/password/reset/key/" in email.body_text
    assert email.sent_at is None  # sent by the Celery task after commit


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing_useful(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@alphaton.gov.uk"})
    assert response.status_code == 302  # no account enumeration
    assert not OutboundEmail.objects.filter(body_text__contains="/accounts/password/reset/key/").exists()


def test_the_emailed_confirmation_link_verifies_the_address(client, council, council_admin):
    import re

    signup(client, "nia.new@alphaton.gov.uk")
    body = OutboundEmail.objects.get(to="nia.new@alphaton.gov.uk").body_text
    link = re.search(r"(/accounts/confirm-email/[^/\s]+/)", body).group(1)
    page = client.get(link)
    assert "Confirm that nia.new@alphaton.gov.uk is your e-mail address" in page.content.decode()
    client.post(link)
    from allauth.account.models import EmailAddress

    assert EmailAddress.objects.get(email="nia.new@alphaton.gov.uk").verified


def test_a_password_can_be_reset_with_the_emailed_link(client, officer):
    import re

    client.post(reverse("account_reset_password"), {"email": officer.email})
    body = OutboundEmail.objects.get(to=officer.email).body_text
    link = re.search(r"(/accounts/password/reset/key/\S+/)", body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.request["PATH_INFO"],
        {"password1": "brand-new-passphrase-9", "password2": "brand-new-passphrase-9"},
    )
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("brand-new-passphrase-9")
