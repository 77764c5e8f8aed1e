"""A council administrator sets up single sign-on; platform staff check it; the secret is never shown back."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from councils.models import Role
from sso.models import SingleSignOn, SsoStatus
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "s3cret-value-never-shown"
FORM = {
    "kind": "oidc",
    "issuer": "https://login.alphaton.gov.uk/realms/staff",
    "tenant_id": "",
    "client_id": "talent-pool",
    "client_secret": SECRET,
    "passwords_allowed": "no",
}


def test_saved_settings_wait_for_a_check_and_the_secret_is_never_shown_back(client, council_admin, staff):
    admin = client_for(client, council_admin)
    response = admin.post(reverse("sso:settings"), FORM)
    assert response.status_code == 302
    sso = SingleSignOn.objects.get(council=council_admin.council)
    assert sso.status == SsoStatus.SUBMITTED
    assert not sso.passwords_allowed
    assert SECRET not in sso.secret_encrypted  # encrypted at rest
    page = admin.get(reverse("sso:settings")).content.decode()
    assert SECRET not in page
    assert "http://testserver/accounts/oidc/council-alphaton/login/callback/" in page
    assert "Waiting for a check by platform staff" in page
    event = AuditEvent.objects.get(action="sso.submitted")
    assert SECRET not in str(event.after)
    assert event.after["secret"] == "changed"

    # a change without a secret keeps the saved one, and is checked again
    admin.post(reverse("sso:settings"), {**FORM, "client_secret": "", "client_id": "talent-pool-2"})
    sso.refresh_from_db()
    assert sso.client_id == "talent-pool-2"
    from sso.crypto import secret_decrypt

    assert secret_decrypt(sso.secret_encrypted) == SECRET

    staff_client = client_for(type(client)(), staff)
    assert SECRET not in staff_client.get(reverse("sso:staff_check", args=[sso.pk])).content.decode()
    staff_client.post(reverse("sso:staff_check", args=[sso.pk]), {"decision": "on"})
    sso.refresh_from_db()
    assert sso.status == SsoStatus.ON
    assert sso.checked_by == staff
    assert AuditEvent.objects.filter(action="sso.on", actor=staff).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": ""}, "Select which sign-in service your council uses"),
        ({"kind": "entra", "tenant_id": ""}, "Enter your directory (tenant) ID"),
        ({"kind": "entra", "tenant_id": "contoso"}, "Enter the directory (tenant) ID as it is shown"),
        ({"issuer": ""}, "Enter the issuer URL"),
        ({"issuer": "http://login.example.gov.uk"}, "The issuer URL must start with https://"),
        ({"client_id": ""}, "Enter the application (client) ID"),
        ({"client_secret": ""}, "Enter the client secret"),
        ({"passwords_allowed": ""}, "Select whether your people can still sign in with a password"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_nothing_is_saved(client, council_admin, change, message):
    response = client_for(client, council_admin).post(reverse("sso:settings"), {**FORM, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SingleSignOn.objects.exists()
    assert SECRET not in response.content.decode()  # not even typed back after an error


def test_staff_return_settings_with_a_reason_and_the_council_reads_it(client, council_admin, staff):
    admin = client_for(client, council_admin)
    admin.post(reverse("sso:settings"), FORM)
    sso = SingleSignOn.objects.get()
    staff_client = client_for(type(client)(), staff)
    refused = staff_client.post(reverse("sso:staff_check", args=[sso.pk]), {"decision": "return", "reason": ""})
    assert "Enter what the council needs to change" in refused.content.decode()
    staff_client.post(
        reverse("sso:staff_check", args=[sso.pk]), {"decision": "return", "reason": "Use the tenant's own issuer"}
    )
    sso.refresh_from_db()
    assert sso.status == SsoStatus.RETURNED
    assert "Use the tenant&#x27;s own issuer" in admin.get(reverse("sso:settings")).content.decode()


def test_only_the_councils_administrators_and_staff_reach_the_settings(client, council, other_admin):
    officer = UserFactory(council=council, roles=[Role.BOOKING_OFFICER])
    assert client_for(client, officer).get(reverse("sso:settings")).status_code == 403
    assert client_for(type(client)(), other_admin).post(reverse("sso:settings"), FORM).status_code == 302
    assert SingleSignOn.objects.get().council == other_admin.council  # their own council, never another's
    assert client_for(type(client)(), officer).get(reverse("sso:staff_list")).status_code == 403


def test_turning_off_brings_passwords_back(client, council_admin, staff):
    admin = client_for(client, council_admin)
    admin.post(reverse("sso:settings"), FORM)
    sso = SingleSignOn.objects.get()
    admin.post(reverse("sso:turn_off"), {})
    sso.refresh_from_db()
    assert sso.status == SsoStatus.OFF
    assert AuditEvent.objects.filter(action="sso.off", actor=council_admin).exists()


def test_changing_only_the_secret_keeps_single_sign_on_on(client, council_admin, staff):
    admin = client_for(client, council_admin)
    admin.post(reverse("sso:settings"), FORM)
    sso = SingleSignOn.objects.get()
    client_for(type(client)(), staff).post(reverse("sso:staff_check", args=[sso.pk]), {"decision": "on"})
    admin.post(reverse("sso:settings"), {**FORM, "client_secret": "a-new-secret"})
    sso.refresh_from_db()
    assert sso.status == SsoStatus.ON
    assert AuditEvent.objects.filter(action="sso.secret_changed").count() == 1
    admin.post(reverse("sso:settings"), {**FORM, "client_secret": ""})  # saved again, nothing changed
    sso.refresh_from_db()
    assert sso.status == SsoStatus.ON
    assert AuditEvent.objects.filter(action="sso.secret_changed").count() == 1
    admin.post(reverse("sso:settings"), {**FORM, "client_secret": "", "client_id": "another-app"})
    sso.refresh_from_db()
    assert sso.status == SsoStatus.SUBMITTED  # anything else is checked again


@pytest.mark.parametrize(
    "issuer",
    ["http://login.alphaton.gov.uk", "https://127.0.0.1/realms/x", "https://10.0.0.5", "https://192.168.1.10/o"],
)
def test_an_issuer_on_plain_http_or_a_private_address_is_refused(client, council_admin, settings, issuer):
    settings.SSO_ALLOW_LOCAL_ISSUER = False
    response = client_for(client, council_admin).post(reverse("sso:settings"), {**FORM, "issuer": issuer})
    assert response.status_code == 200
    assert not SingleSignOn.objects.exists()
    page = response.content.decode()
    assert "must start with https://" in page or "must be a public address" in page
