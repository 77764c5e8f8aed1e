"""Who may open each onboarding page: allowed, refused, and never another council's objects."""

import pytest
from django.urls import reverse

from councils import invitations
from councils.models import MembershipStatus, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(council, council_admin, other_admin, officer, staff):
    """One of each kind of person, keyed by a short name."""
    pending = UserFactory(
        council=council, roles=[], membership_status=MembershipStatus.PENDING, email="p@alphaton.gov.uk"
    )
    return {
        "anonymous": None,
        "staff": staff,
        "admin": council_admin,
        "other_admin": other_admin,
        "officer": officer,
        "specialist": UserFactory(council=council, roles=[Role.SPECIALIST], email="s@alphaton.gov.uk"),
        "finance": UserFactory(council=council, roles=[Role.FINANCE_OFFICER], email="f@alphaton.gov.uk"),
        "approver": UserFactory(council=council, roles=[Role.APPROVER], email="a@alphaton.gov.uk"),
        "pending": pending,
    }


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


PLATFORM_PAGES = [
    "platform:dashboard",
    ("platform:council_detail", "AAA"),
    ("platform:council_invite", "AAA"),
    ("platform:council_suspend", "AAA"),
]

COUNCIL_PAGES = ["council:setup", "council:agreement", "council:finance", "council:people", "council:invite"]


def url_for(page):
    if isinstance(page, tuple):
        return reverse(page[0], args=[page[1]])
    return reverse(page)


@pytest.mark.parametrize("page", PLATFORM_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("staff", 200),
        ("admin", 403),
        ("officer", 403),
        ("other_admin", 403),
        ("pending", 403),
    ],
)
def test_platform_pages_are_for_platform_administrators_only(client, people, page, who, expected):
    response = get_as(client, people[who], url_for(page))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("page", COUNCIL_PAGES)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("other_admin", 200),  # sees their own council's page, never ours: checked below
        ("officer", 403),
        ("specialist", 403),
        ("finance", 403),
        ("approver", 403),
        ("pending", 403),
        ("staff", 403),  # platform staff have no council
    ],
)
def test_council_pages_are_for_that_councils_administrators(client, people, page, who, expected):
    response = get_as(client, people[who], url_for(page))
    assert response.status_code == expected


def test_council_pages_show_only_the_signed_in_administrators_council(client, people):
    response = get_as(client, people["other_admin"], reverse("council:people"))
    body = response.content.decode()
    assert "Betaford" in body
    assert "officer@alphaton.gov.uk" not in body
    assert "Alphaton" not in body


@pytest.mark.parametrize("page", ["council:member_roles", "council:member_remove", "council:signup_review"])
def test_another_councils_people_are_not_found(client, people, page):
    target = people["pending"] if page == "council:signup_review" else people["officer"]
    client.force_login(people["other_admin"])
    assert client.get(reverse(page, args=[target.pk])).status_code == 404
    assert client.post(reverse(page, args=[target.pk]), {"roles": [Role.COUNCIL_ADMIN]}).status_code == 404
    target.refresh_from_db()
    assert Role.COUNCIL_ADMIN not in target.roles
    assert target.is_active


def test_another_councils_invitation_cannot_be_resent_or_cancelled(client, people, council):
    invitation, _token = invitations.invitation_create(
        council=council, email="x@alphaton.gov.uk", roles=[Role.SPECIALIST], invited_by=people["admin"]
    )
    client.force_login(people["other_admin"])
    assert client.post(reverse("council:invitation_resend", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("council:invitation_cancel", args=[invitation.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None
    assert invitation.send_count == 1


def test_a_member_can_be_reviewed_by_their_own_admin(client, people):
    client.force_login(people["admin"])
    response = client.get(reverse("council:signup_review", args=[people["pending"].pk]))
    assert response.status_code == 200
    assert "p@alphaton.gov.uk" in response.content.decode()


def test_platform_actions_refuse_council_administrators(client, people, council):
    client.force_login(people["admin"])
    response = client.post(reverse("platform:council_suspend", args=[council.code]), {"reason": "Because"})
    assert response.status_code == 403
    council.refresh_from_db()
    assert council.status == "active"


def test_navigation_marks_only_the_current_section(client, council_admin):
    client.force_login(council_admin)
    items = client.get(reverse("council:people")).context["nav_items"]
    assert [item["text"] for item in items if item["active"]] == ["People"]
    assert [item["text"] for item in items] == [
        "Home",
        "Find a specialist",
        "Bookings",
        "Rates",
        "Council set-up",
        "People",
        "Charts",
    ]
