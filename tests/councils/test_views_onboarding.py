"""The onboarding pages through the test client: what a person sees, and what each bad input says."""

import re

import pytest
from django.urls import reverse

from councils import invitations, selectors
from councils.models import CouncilStatus, Invitation, Role, User
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def token_from_outbox(to):
    body = OutboundEmail.objects.filter(kind="invitation", to=to).latest("created_at").body_text
    return re.search(r"/invitation/([^/]+)/", body).group(1)


def test_dashboard_counts_councils_by_status_and_nation_and_searches(client, staff, council, new_council):
    client.force_login(staff)
    response = client.get(reverse("platform:dashboard"), {"q": "newtown"})
    body = response.content.decode()
    assert "Newtown District Council" in body
    assert "Alphaton Borough Council" not in body
    assert "1 council match your search" in body
    counts = {s.value: n for s, n in response.context["counts"]["by_status"]}
    assert counts["active"] == 1
    assert counts["not_invited"] == 1


def test_dashboard_ignores_nonsense_filters(client, staff, council):
    client.force_login(staff)
    response = client.get(reverse("platform:dashboard"), {"status": "bogus", "nation": "Atlantis", "page": "999"})
    assert response.status_code == 200


def test_invite_form_shows_an_error_for_a_bad_address_and_sends_nothing(client, staff, new_council):
    client.force_login(staff)
    response = client.post(reverse("platform:council_invite", args=[new_council.code]), {"email": "not-an-email"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter an e-mail address in the correct format" in body
    assert "<title>Error:" in body
    assert not Invitation.objects.exists()
    new_council.refresh_from_db()
    assert new_council.status == CouncilStatus.NOT_INVITED


def test_inviting_twice_shows_the_services_message(client, staff, new_council):
    client.force_login(staff)
    url = reverse("platform:council_invite", args=[new_council.code])
    client.post(url, {"email": "chief@newtown.gov.uk"})
    response = client.post(url, {"email": "chief@newtown.gov.uk"})
    assert "already has an invitation waiting" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_the_invitation_page_creates_the_account_and_signs_in(client, staff, new_council):
    client.force_login(staff)
    client.post(reverse("platform:council_invite", args=[new_council.code]), {"email": "chief@newtown.gov.uk"})
    client.logout()
    token = token_from_outbox("chief@newtown.gov.uk")
    url = reverse("invitation_accept", args=[token])

    page = client.get(url)
    assert "Create your account" in page.content.decode()
    mismatch = client.post(url, {"full_name": "Chris", "password1": "a-long-passphrase-1", "password2": "other"})
    assert "The passwords do not match" in mismatch.content.decode()
    assert not User.objects.filter(email="chief@newtown.gov.uk").exists()

    response = client.post(
        url,
        {"full_name": "Chris Chief", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("council:setup")
    assert client.get(reverse("council:setup")).status_code == 200

    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_finance_and_agreement_pages_activate_the_council(client, staff, new_council):
    _invitation, token = invitations.invitation_create(
        council=new_council, email="chief@newtown.gov.uk", roles=[Role.COUNCIL_ADMIN], invited_by=staff
    )
    admin = invitations.invitation_accept(token=token, full_name="Chris Chief", password="a-long-passphrase-1")
    client.force_login(admin)

    bad = client.post(reverse("council:finance"), {"payment_terms_days": "0", "vat_status": "registered"})
    body = bad.content.decode()
    for message in [
        "Enter the invoice address",
        "Payment terms must be between 1 and 120 days",
        "Enter your council’s VAT registration number",
        "Enter at least one e-mail domain your colleagues use",
    ]:
        assert message in body

    ok = client.post(
        reverse("council:finance"),
        {
            "invoice_address": "Town Hall, Newtown",
            "finance_email": "finance@newtown.gov.uk",
            "payment_terms_days": "30",
            "po_required": "yes",
            "vat_status": "registered",
            "vat_number": "GB123456789",
            "domains": "newtown.gov.uk",
        },
    )
    assert ok.status_code == 302
    stale = client.post(reverse("council:agreement"), {"confirm": "on", "version": "0"})
    assert "A newer version of the agreement has been published" in stale.content.decode()
    version = selectors.agreement_current().version
    assert client.post(reverse("council:agreement"), {"confirm": "on", "version": version}).status_code == 302
    new_council.refresh_from_db()
    assert new_council.status == CouncilStatus.ACTIVE
    assert new_council.po_required is True


def test_colleague_invite_needs_a_role(client, council_admin):
    client.force_login(council_admin)
    response = client.post(reverse("council:invite"), {"email": "x@alphaton.gov.uk"})
    assert "Select at least one role" in response.content.decode()
    assert not Invitation.objects.exists()


def test_suspend_page_needs_a_reason(client, staff, council):
    client.force_login(staff)
    response = client.post(reverse("platform:council_suspend", args=[council.code]), {"reason": ""})
    assert "Enter the reason for suspending the council" in response.content.decode()
    council.refresh_from_db()
    assert council.status == CouncilStatus.ACTIVE
    response = client.post(reverse("platform:council_suspend", args=[council.code]), {"reason": "Audit"})
    assert response.status_code == 302
    council.refresh_from_db()
    assert council.status == CouncilStatus.SUSPENDED


def test_healthz_answers(client, db):
    assert client.get("/healthz").content == b"ok"


FINANCE_DETAILS = {
    "invoice_address": "Town Hall, Alphaton",
    "finance_email": "finance@alphaton.gov.uk",
    "payment_terms_days": "30",
    "po_required": "no",
    "vat_status": "not_registered",
    "domains": "alphaton.gov.uk",
}


def test_finance_details_take_bank_details_all_three_or_none(client, council_admin):
    client.force_login(council_admin)
    council = council_admin.council
    partial = client.post(reverse("council:finance"), {**FINANCE_DETAILS, "bank_sort_code": "30-94-57"})
    body = partial.content.decode()
    assert "Enter the name on the account, or leave all three bank details empty" in body
    assert "Enter the account number, or leave all three bank details empty" in body
    council.refresh_from_db()
    assert (council.bank_sort_code, council.invoice_address) == ("", "1 High Street\nTesttown\nTT1 1TT")
    bank = {"bank_account_name": "Alphaton Council", "bank_sort_code": "30 94 57", "bank_account_number": "00733445"}
    assert client.post(reverse("council:finance"), {**FINANCE_DETAILS, **bank}).status_code == 302
    council.refresh_from_db()
    assert (council.bank_account_name, council.bank_sort_code, council.bank_account_number) == (
        "Alphaton Council",
        "309457",
        "00733445",
    )
    # The page offers them as optional, and shows them back as a person types a sort code.
    page = client.get(reverse("council:finance")).content.decode()
    assert "Sort code (optional)" in page
    assert 'value="30-94-57"' in page
