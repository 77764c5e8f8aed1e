"""The audit log: every change is recorded with who, when, before and after; each council's
administrators read their own council's events; nobody can change or delete an event."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse
from freezegun import freeze_time

from audit.models import AuditEvent
from bookings import services as bookings
from bookings import timesheets
from bookings.models import BookingWeek, Timesheet
from councils import members
from councils import services as councils
from councils.models import Role
from payments import services as payments
from payments import settlement
from payments.models import Invoice
from talentpool import approval
from talentpool import services as pool
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def actions(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk").values_list("action", flat=True))


def test_an_approval_records_who_when_and_the_before_and_after(council):
    specialist = UserFactory(council=council, roles=[Role.SPECIALIST])
    approver = UserFactory(council=council, roles=[Role.APPROVER], full_name="Ann Approver")
    profile = pool.profile_save(user=specialist, headline="Repairs", summary="Repairs.")
    approval.profile_submit(profile=profile, by=specialist)
    approval.profile_approve(
        profile=profile, by=approver, weekly_cap=Decimal("6"), ends_on=date.today() + timedelta(days=90)
    )
    event = AuditEvent.objects.get(action="profile.approved")
    assert event.actor == approver
    assert event.councils == [council.pk]
    assert event.before["status"] == "submitted"
    assert event.after == {
        "status": "approved",
        "weekly_cap": "6.0",
        "approval_ends_on": (date.today() + timedelta(days=90)).isoformat(),
    }
    assert actions(object_type="specialistprofile") == ["profile.submitted", "profile.approved"]


def test_a_booking_its_hours_and_the_invoice_are_recorded_for_both_councils(booker, listed, next_monday):
    booking = bookings.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="Help")
    bookings.booking_accept(booking=booking, by=listed.user)
    parties = sorted([booker.council_id, listed.council_id])
    assert actions(object_type="booking") == ["booking.requested", "booking.accepted"]
    assert all(e.councils == parties for e in AuditEvent.objects.filter(object_type="booking"))
    requested = AuditEvent.objects.get(action="booking.requested")
    assert requested.after["weeks"] == {next_monday.isoformat(): "3"}
    assert requested.after["hourly_rate"] == "50.00"


@freeze_time("2026-12-03 10:00")
def test_timesheets_settlement_payments_and_answers_are_recorded(november_hours, three_councils):
    a, b, _c = three_councils
    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    invoice = Invoice.objects.get(number="AAA-2026-00001")
    issued = AuditEvent.objects.get(action="invoice.issued", object_id=str(invoice.pk))
    assert issued.actor is None
    assert issued.councils == sorted([a.pk, b.pk])
    assert issued.after["gross"] == "250.00"
    finance_a = UserFactory(council=a, roles=[Role.FINANCE_OFFICER])
    finance_b = UserFactory(council=b, roles=[Role.FINANCE_OFFICER])
    payments.payment_record(
        invoice=invoice, by=finance_a, amount=Decimal("100"), paid_on=date(2026, 12, 2), reference="BACS1"
    )
    payments.invoice_answer(invoice=invoice, by=finance_b, agree=True)
    paid = AuditEvent.objects.get(action="invoice.payment_recorded")
    assert (paid.actor, paid.before["outstanding"], paid.after["outstanding"]) == (finance_a, "250.00", "150.00")
    assert AuditEvent.objects.get(action="invoice.answered").after == {"agreement": "confirmed"}


def test_timesheet_moves_are_recorded(booker, listed, next_monday):
    booking = bookings.booking_request(officer=booker, profile=listed, weeks={next_monday: Decimal("3")}, brief="Help")
    bookings.booking_accept(booking=booking, by=listed.user)
    week = BookingWeek.objects.get(booking=booking)
    with freeze_time(next_monday + timedelta(days=7)):
        sheet = timesheets.timesheet_submit(week=week, by=listed.user, hours=Decimal("2.5"))
        timesheets.timesheet_dispute(timesheet=sheet, by=booker, reason="Only 2 hours")
    event = AuditEvent.objects.get(action="timesheet.disputed")
    assert (event.actor, event.before, event.note) == (booker, {"status": "submitted"}, "Only 2 hours")
    assert Timesheet.objects.get(pk=sheet.pk).status == "disputed"


def test_role_changes_and_council_settings_are_recorded(council, council_admin, officer):
    members.member_roles_change(member=officer, roles=[Role.BOOKING_OFFICER, Role.APPROVER], by=council_admin)
    event = AuditEvent.objects.get(action="member.roles_changed")
    assert event.before["roles"] == ["booking_officer"]
    assert sorted(event.after["roles"]) == ["approver", "booking_officer"]
    councils.council_finance_update(
        council=council,
        by=council_admin,
        invoice_address="2 New Street",
        finance_email="ap@alphaton.gov.uk",
        payment_terms_days=14,
        po_required=True,
        vat_status="registered",
        vat_number="GB123456789",
        domains=["alphaton.gov.uk"],
    )
    change = AuditEvent.objects.get(action="council.finance_details_changed")
    assert change.before["payment_terms_days"] == 30
    assert change.after["payment_terms_days"] == 14
    assert "vat_number" not in change.after  # only what changed


def test_the_database_refuses_to_change_or_delete_an_event(council, council_admin, officer):
    members.member_roles_change(member=officer, roles=[Role.APPROVER], by=council_admin)
    event = AuditEvent.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(after={"roles": ["council_admin"]})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get().after["roles"] == ["approver"]


def test_a_refused_change_leaves_no_event(council, council_admin, other_admin):
    with pytest.raises(councils.CouncilError, match="not a member of your council"):
        members.member_roles_change(member=other_admin, roles=[Role.APPROVER], by=council_admin)
    assert AuditEvent.objects.count() == 0


def test_council_admins_read_their_own_councils_log_and_staff_read_all(
    client, council, council_admin, other_admin, officer, staff
):
    members.member_roles_change(member=officer, roles=[Role.APPROVER], by=council_admin)
    client.force_login(council_admin)
    page = client.get(reverse("oversight:council_audit")).content.decode()
    assert "Roles changed" in page
    assert officer.full_name in page
    client.force_login(other_admin)
    assert "Roles changed" not in client.get(reverse("oversight:council_audit")).content.decode()
    client.force_login(officer)
    assert client.get(reverse("oversight:council_audit")).status_code == 403
    client.force_login(staff)
    assert "Roles changed" in client.get(reverse("oversight:platform_audit")).content.decode()
    assert "Roles changed" in client.get(reverse("oversight:platform_audit") + "?council=AAA").content.decode()
    assert "Roles changed" not in client.get(reverse("oversight:platform_audit") + "?council=BBB").content.decode()
    assert client.get(reverse("oversight:platform_audit") + "?council=NOPE").status_code == 404


def test_verifying_a_past_project_and_a_sign_up_are_recorded(council, council_admin):
    specialist = UserFactory(council=council, roles=[Role.SPECIALIST])
    profile = pool.profile_save(user=specialist, headline="Repairs", summary="Repairs.")
    project = pool.past_project_save(
        profile=profile,
        by=specialist,
        title="Backlog",
        problem="A backlog.",
        what_i_did="Planned.",
        outcome="Done.",
        year=2024,
    )
    pool.past_project_verify(project=project, by=council_admin)
    event = AuditEvent.objects.get(action="project.verified")
    assert (event.actor, event.after["past_project"]) == (council_admin, project.pk)
    newcomer = UserFactory(council=None, roles=[], email="new@alphaton.gov.uk", membership_status="pending")
    members.member_signup_record(user=newcomer, council=council)
    signed = AuditEvent.objects.get(action="member.signed_up")
    assert (signed.actor, signed.councils, signed.after["membership_status"]) == (newcomer, [council.pk], "pending")
