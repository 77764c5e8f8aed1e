"""A NUL byte anywhere in a request answers 400, from one place, and changes nothing."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/finance/invoices/LDS%00/",
        "/finance/invoices/LDS-2026-00001/credit-notes/x%00.pdf",
        "/platform/councils/%00/",
        "/platform/audit/?council=%00",
        "/bookings/calendar/%00.ics",
        "/pool/?q=tax%00",
    ],
)
def test_a_nul_byte_in_an_address_answers_400(client, url):
    client.force_login(UserFactory(is_staff=True, council=None, roles=[]))
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_a_form_answers_400_and_writes_nothing(client):
    user = UserFactory(roles=["specialist"])
    client.force_login(user)
    before = AuditEvent.objects.count()
    response = client.post(reverse("talentpool:my_profile"), {"headline": "Tax\x00 expert"})
    assert response.status_code == 400
    assert AuditEvent.objects.count() == before


def test_ordinary_requests_pass(client):
    assert client.get(reverse("account_login")).status_code == 200
