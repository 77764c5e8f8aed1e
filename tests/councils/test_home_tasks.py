"""The home page as a task list for a council administrator (the set-up steps left) and for platform staff
(councils by onboarding state, who joined lately, the settlement months)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from councils import services
from councils.models import CouncilStatus, CouncilStatusChange, MembershipStatus, Role
from payments import settlement
from payments.models import RunStatus, SettlementRun
from tests.factories import CouncilFactory, UserFactory, agreement_ensure, force_fields

pytestmark = pytest.mark.django_db


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


@pytest.fixture
def onboarding_admin(db):
    council = CouncilFactory(code="NEW", name="Newtown District Council", short_name="Newtown", slug="newtown")
    force_fields(council, status=CouncilStatus.ONBOARDING)
    return UserFactory(council=council, roles=[Role.COUNCIL_ADMIN], full_name="Nia New")


# --- the council administrator's set-up steps -----------------------------------------------------


def test_an_administrator_sees_the_set_up_steps_left_until_each_is_done(client, onboarding_admin):
    admin, council = onboarding_admin, onboarding_admin.council
    page = home(client, admin)
    assert "2 set-up steps left before Newtown can book and be booked." in page
    assert f'href="{reverse("council:agreement")}">Accept the current platform agreement</a>' in page
    assert f'href="{reverse("council:finance")}">Enter Newtown’s finance details</a>' in page

    services.agreement_accept(council=council, agreement=agreement_ensure(), by=admin)
    page = home(client, admin)
    assert "1 set-up step left before Newtown can book and be booked." in page
    assert "Accept the current platform agreement" not in page
    assert "Enter Newtown’s finance details" in page

    services.council_finance_update(
        council=council,
        by=admin,
        invoice_address="1 High Street",
        finance_email="finance@newtown.gov.uk",
        payment_terms_days=30,
        po_required=False,
        vat_status="not_registered",
        domains=["newtown.gov.uk"],
    )
    council.refresh_from_db()
    assert council.status == CouncilStatus.ACTIVE
    page = home(client, admin)
    assert "set-up step" not in page
    assert "finance details</a>" not in page
    assert "Nothing is waiting for you." in page


def test_an_active_councils_administrator_has_no_set_up_steps(client, council_admin, onboarding_admin):
    page = home(client, council_admin)
    assert "set-up step" not in page
    assert "finance details</a>" not in page
    assert "Newtown" not in page  # another council's steps


def test_the_set_up_steps_are_only_for_administrators(client, onboarding_admin):
    officer = UserFactory(council=onboarding_admin.council, roles=[Role.BOOKING_OFFICER])
    page = home(client, officer)
    assert "set-up step" not in page
    assert "Your council administrator is completing it" in page


# --- platform staff ------------------------------------------------------------------------------


def test_staff_see_councils_by_onboarding_state_linked_to_the_filtered_dashboard(client, staff, council, new_council):
    force_fields(new_council, status=CouncilStatus.INVITED)
    page = home(client, staff)
    assert '<h2 class="govuk-heading-m">Councils</h2>' in page
    dashboard = reverse("platform:dashboard")
    assert f'href="{dashboard}?status=invited">Invited: <strong>1</strong></a>' in page
    assert f'href="{dashboard}?status=active">Active: <strong>1</strong></a>' in page
    assert f'href="{dashboard}?status=onboarding">Onboarding: <strong>0</strong></a>' in page


def test_staff_see_councils_and_people_who_joined_in_the_last_14_days_only(client, staff, council, onboarding_admin):
    newtown = onboarding_admin.council
    CouncilStatusChange.objects.create(council=newtown, from_status="invited", to_status="onboarding")
    CouncilStatusChange.objects.create(
        council=council, from_status="onboarding", to_status="active", changed_at=timezone.now() - timedelta(days=20)
    )
    UserFactory(council=council, roles=[], membership_status=MembershipStatus.PENDING)
    UserFactory(council=council, roles=[Role.SPECIALIST], full_name="Rhys Removed", membership_status="removed")
    old = UserFactory(council=council, roles=[Role.SPECIALIST])
    old.date_joined = timezone.now() - timedelta(days=20)
    old.save()

    page = home(client, staff)
    joined = page.split("Joined in the last 14 days")[1].split("Find a council")[0]
    detail = reverse("platform:council_detail", args=["NEW"])
    assert f'<a class="govuk-link" href="{detail}">Newtown</a> accepted its invitation and is setting up' in joined
    assert "finished setting up" not in joined  # Alphaton's was 20 days ago
    alphaton = reverse("platform:council_detail", args=["AAA"])
    # the fixture's administrator and the one waiting; not the removed member nor the one who joined earlier
    assert f'href="{alphaton}">Alphaton</a>: 2 joined (1 waiting for approval)' in joined
    assert f'href="{detail}">Newtown</a>: 1 joined</li>' in joined


def test_a_council_that_joined_and_finished_setting_up_lately_is_listed_once(client, staff, council):
    earlier = timezone.now() - timedelta(days=3)
    CouncilStatusChange.objects.create(
        council=council, from_status="invited", to_status="onboarding", changed_at=earlier
    )
    CouncilStatusChange.objects.create(council=council, from_status="onboarding", to_status="active")
    joined = home(client, staff).split("Joined in the last 14 days")[1].split("new member")[0]
    assert joined.count("Alphaton</a>") == 1
    assert "Alphaton</a> finished setting up and can book and be booked" in joined


def test_staff_with_nothing_new_are_told_what_to_do_next(client, staff):
    page = home(client, staff)
    assert "No council or person has joined in the last 14 days." in page
    assert f'href="{reverse("platform:dashboard")}?status=not_invited">Find a council not yet invited</a>' in page
    assert "No month has been settled yet." in page
    assert reverse("payments:settlement_runs") in page


def test_staff_see_the_latest_settlement_months_with_their_state(client, staff, november_hours):
    settlement.settlement_run(period="2026-11", today=date(2026, 12, 1))
    for month in ("2026-08", "2026-09"):
        settlement.settlement_run(period=month, today=date(2026, 12, 1))
    SettlementRun.objects.create(period=date(2026, 10, 1), status=RunStatus.FAILED, error="Boom")

    page = home(client, staff)
    part = page.split('<h2 class="govuk-heading-m">Settlement</h2>')[1]
    assert f'href="{reverse("payments:settlement_run", args=["2026-11"])}">November 2026</a>' in part
    assert "3 invoices, £482.20" in part
    assert 'October 2026</a> <strong class="govuk-tag govuk-tag--red">Failed</strong>' in part
    assert "See the error and run the month again" in part
    assert "September 2026" in part
    assert "August 2026" not in part  # the latest three only


def test_only_staff_see_the_platform_section(client, council_admin):
    page = home(client, council_admin)
    assert "in the register" not in page
    assert '<h2 class="govuk-heading-m">Settlement</h2>' not in page


def test_the_staff_home_reads_in_the_same_number_of_queries_whatever_joined(client, staff, council):
    client.force_login(staff)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("home"))
    for _n in range(5):
        other = CouncilFactory(status=CouncilStatus.NOT_INVITED)
        force_fields(other, status=CouncilStatus.ONBOARDING)
        CouncilStatusChange.objects.create(council=other, from_status="invited", to_status="onboarding")
        UserFactory(council=other, roles=[Role.COUNCIL_ADMIN])
    with CaptureQueriesContext(connection) as after:
        page = client.get(reverse("home")).content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)
    assert "6 new members:" in page  # Alphaton's administrator and the five new councils'
