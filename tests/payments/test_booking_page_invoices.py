"""The booking page shows each week's invoice: the number and whether it is paid, linked for finance."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_invoiced_week_shows_its_invoice_linked_for_finance_only(client, people, invoices, three_councils):
    a, b, _c = three_councils
    week = invoices["AAA-2026-00001"].lines.order_by("pk").first().timesheet.week
    page = reverse("bookings:detail", args=[week.booking_id])
    finance_b = UserFactory(council=b, roles=["finance_officer"])
    client.force_login(finance_b)
    shown = client.get(page).content.decode()
    assert "AAA-2026-00001</a>, not paid yet" in shown
    assert reverse("payments:invoice", args=["AAA-2026-00001"]) in shown
    client.force_login(people["officer_b"])
    shown = client.get(page).content.decode()
    assert "AAA-2026-00001, not paid yet" in shown  # the number, without a link to finance's page
    assert reverse("payments:invoice", args=["AAA-2026-00001"]) not in shown
