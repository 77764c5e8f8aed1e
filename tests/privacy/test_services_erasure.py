"""A person downloads what is held about them; a council erases a specialist who has left, keeping the
financial records whole."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from bookings.models import Feedback
from councils import invitations, members, services
from councils.models import Invitation, MembershipStatus, User
from notifications.models import OutboundEmail
from payments import settlement
from payments.models import Invoice, InvoiceLine
from privacy import services as privacy
from talentpool import services as pool
from talentpool import weekly_hours
from talentpool.models import PastProject, SlotStatus, SpecialistProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(people):
    """Ann (Alphaton) was booked and paid for in November; she has a past project and open weeks."""
    profile = people["spec_a"]
    pool.past_project_save(
        profile=profile,
        by=profile.user,
        title="Repairs backlog",
        problem="A long backlog of repairs.",
        what_i_did="Triaged and re-planned.",
        outcome="Backlog halved.",
        year=2024,
    )
    return profile


@pytest.fixture
def admin_a(three_councils):
    return User.objects.get(council=three_councils[0], roles__contains=["council_admin"])


def test_a_person_downloads_the_data_held_about_them(client, ann, november_hours):
    client.force_login(ann.user)
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="your-talent-pool-data.json"'
    data = json.loads(response.content)
    assert data["account"]["email"] == ann.user.email
    assert data["specialist_profile"]["past_projects"][0]["title"] == "Repairs backlog"
    assert len(data["your_timesheets"]) == 3
    assert {b["customer_council__name"] for b in data["bookings_of_you"]} == {"Betaford Council", "Cetown Council"}


def test_the_data_download_needs_a_signed_in_person(client):
    response = client.get(reverse("privacy:my_data"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_erasing_a_leaver_anonymises_them_and_keeps_invoices_whole(ann, november_hours, admin_a):
    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    totals = {i.number: i.gross.amount for i in Invoice.objects.all()}
    OutboundEmail.objects.create(kind="x", to=ann.user.email, subject="Hello Ann", body_text="Dear Ann")
    invitation, _token = invitations.invitation_create(
        council=ann.council,
        email="ann.personal@alphaton.gov.uk",
        roles=["specialist"],
        invited_by=admin_a,
        full_name="Ann A",
    )
    Invitation.objects.filter(pk=invitation.pk).update(email=ann.user.email)
    Feedback.objects.create(booking=november_hours[0].week.booking, rating=5, comment="Ann was great", by=admin_a)
    members.member_remove(member=ann.user, by=admin_a)
    privacy.member_erase(member=ann.user, by=admin_a)

    user = User.objects.get(pk=ann.user.pk)
    assert (user.full_name, user.email, user.is_active, user.has_usable_password()) == (
        "Former member",
        f"erased-{user.pk}@erased.invalid",
        False,
        False,
    )
    profile = SpecialistProfile.objects.get(pk=ann.pk)
    assert (profile.headline, profile.summary, profile.status) == ("Erased", "", "withdrawn")
    assert not PastProject.objects.filter(profile=profile).exists()
    assert not profile.slots.filter(status=SlotStatus.OPEN).exists()
    assert not OutboundEmail.objects.filter(to__iexact=ann.user.email).exists()
    # Financial records: unchanged, and still name who did the work (the employer's payroll needs it).
    assert {i.number: i.gross.amount for i in Invoice.objects.all()} == totals
    assert set(
        InvoiceLine.objects.filter(timesheet__week__booking__profile=profile).values_list("specialist", flat=True)
    ) == {"Ann A"}
    assert Invitation.objects.get(pk=invitation.pk).email == f"erased-{user.pk}@erased.invalid"
    assert Feedback.objects.get(booking=november_hours[0].week.booking).comment == ""
    assert Feedback.objects.get(booking=november_hours[0].week.booking).rating == 5
    event = AuditEvent.objects.get(action="member.erased")
    assert event.actor == admin_a


def test_erasure_is_refused_for_a_current_member_and_changes_nothing(ann, admin_a):
    with pytest.raises(services.CouncilError, match="Remove .* before erasing"):
        privacy.member_erase(member=ann.user, by=admin_a)
    assert User.objects.get(pk=ann.user.pk).full_name == "Ann A"
    assert PastProject.objects.filter(profile=ann).count() == 1


def test_erasure_is_refused_while_weeks_are_booked_to_come(ann, admin_a, three_councils):
    from django.utils import timezone

    from bookings import services as bookings
    from talentpool.weeks import first_future_monday

    monday = first_future_monday(timezone.localdate())
    weekly_hours.pattern_set(profile=ann, by=ann.user, hours=Decimal("3"), starts_on=monday, ends_on=None)
    finance = UserFactory(council=three_councils[0], roles=["finance_officer"])
    pool.profile_rate_set(profile=ann, by=finance, amount=Decimal("40"))
    officer = UserFactory(council=three_councils[1], roles=["booking_officer"])
    bookings.booking_request(officer=officer, profile=ann, weeks={monday: Decimal("2")}, brief="Help")
    members.member_remove(member=ann.user, by=admin_a)
    with pytest.raises(privacy.PrivacyError, match="still has weeks booked or held"):
        privacy.member_erase(member=ann.user, by=admin_a)
    assert User.objects.get(pk=ann.user.pk).email != f"erased-{ann.user.pk}@erased.invalid"


def test_the_erase_page_works_for_the_councils_admin_only(client, ann, admin_a, three_councils):
    members.member_remove(member=ann.user, by=admin_a)
    other_admin = User.objects.get(council=three_councils[1], roles__contains=["council_admin"])
    url = reverse("privacy:member_erase", args=[ann.user.pk])
    client.force_login(other_admin)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.force_login(admin_a)
    page = client.get(url).content.decode()
    assert "Erase Ann A’s personal details?" in page
    response = client.post(url)
    assert response.status_code == 302
    assert User.objects.get(pk=ann.user.pk).membership_status == MembershipStatus.REMOVED
    assert User.objects.get(pk=ann.user.pk).is_erased
    assert "details erased" in client.get(reverse("council:people")).content.decode()


def test_erasure_waits_until_the_hours_are_invoiced(ann, november_hours, admin_a):
    """The next settlement names the specialist on the invoice, so their name must still be there."""
    members.member_remove(member=ann.user, by=admin_a)
    with pytest.raises(privacy.PrivacyError, match="hours not yet invoiced"):
        privacy.member_erase(member=ann.user, by=admin_a)
    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    privacy.member_erase(member=ann.user, by=admin_a)
    assert User.objects.get(pk=ann.user.pk).is_erased


def test_a_leavers_answers_to_needs_are_in_their_download_then_erased(ann, admin_a, three_councils, people):
    from needs.models import Need, NeedAnswer

    need = Need.objects.create(
        council=three_councils[1],
        officer=people["officer_b"],
        title="Repairs review",
        problem="A backlog",
        help_wanted="Advice",
        weeks=[date(2026, 12, 7)],
        hours=Decimal("2"),
        closes_on=date(2026, 12, 1),
    )
    NeedAnswer.objects.create(need=need, profile=ann, note="I cut our backlog by half", weeks=[date(2026, 12, 7)])
    data = privacy.personal_data(user=ann.user)
    assert data["your_answers_to_needs"][0]["note"] == "I cut our backlog by half"
    members.member_remove(member=ann.user, by=admin_a)
    privacy.member_erase(member=ann.user, by=admin_a)
    assert NeedAnswer.objects.get(need=need).note == ""
