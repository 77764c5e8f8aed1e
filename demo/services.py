"""A small demo data set for `make run`: built through the same services people use."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from councils import invitations, services
from councils.models import Council, CouncilStatus, MembershipStatus, Role, User
from councils.selectors import agreement_current
from talentpool import approval, weekly_hours
from talentpool import services as pool
from talentpool.models import SpecialistProfile

DEMO_PASSWORD = "demo-pass-2026"

# (register code, mail domain) of the councils that are active in the demo.
DEMO_COUNCILS = [("LDS", "leeds.gov.uk"), ("BST", "bristol.gov.uk"), ("CRF", "cardiff.gov.uk")]
DEMO_PEOPLE = [
    ("admin", "Council administrator", [Role.COUNCIL_ADMIN]),
    ("approver", "Line manager", [Role.APPROVER]),
    ("officer", "Booking officer", [Role.BOOKING_OFFICER]),
    ("finance", "Finance officer", [Role.FINANCE_OFFICER]),
    ("specialist", "Specialist", [Role.SPECIALIST]),
]
# Each demo person's name, so pages read as they will in use ("Confirm or dispute Priya Shah's hours").
DEMO_NAMES = {
    "LDS": {
        "admin": "Aisha Khan",
        "approver": "Tom Hughes",
        "officer": "Priya Shah",
        "finance": "Gareth Lewis",
        "specialist": "Robin Clarke",
    },
    "BST": {
        "admin": "Ellen Marsh",
        "approver": "Kwame Mensah",
        "officer": "Sophie Turner",
        "finance": "Daniel Price",
        "specialist": "Hannah Webb",
    },
    "CRF": {
        "admin": "Rhys Morgan",
        "approver": "Carys Jones",
        "officer": "Owen Davies",
        "finance": "Megan Roberts",
        "specialist": "Sam Patel",
    },
}
PLATFORM_ADMIN = "platform@talentpool.example"


@dataclass
class DemoLogin:
    email: str
    who: str


class DemoError(Exception):
    pass


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Idempotent: people and councils that already exist are left as they are."""
    logins = [DemoLogin(PLATFORM_ADMIN, "Platform administrator")]
    staff = User.objects.filter(email=PLATFORM_ADMIN).first()
    if staff is None:
        staff = User.objects.create_superuser(email=PLATFORM_ADMIN, password=DEMO_PASSWORD, full_name="Pat Platform")
        _verify(staff)
    for code, domain in DEMO_COUNCILS:
        council = Council.objects.filter(code=code).first()
        if council is None:
            raise DemoError(f"Council {code} is not in the register: run `manage.py import_councils` first")
        admin_email = f"admin@{domain}"
        if council.status == CouncilStatus.NOT_INVITED:
            _invitation, token = invitations.invitation_create(
                council=council, email=admin_email, roles=[Role.COUNCIL_ADMIN], invited_by=staff
            )
            admin = invitations.invitation_accept(
                token=token, full_name=DEMO_NAMES[code]["admin"], password=DEMO_PASSWORD
            )
            services.council_finance_update(
                council=council,
                by=admin,
                invoice_address=f"Finance Department\n{council.name}",
                finance_email=f"finance@{domain}",
                payment_terms_days=30,
                po_required=code == "BST",
                vat_status="registered",
                vat_number="GB123456789",
                domains=[domain],
                bank=services.BankDetails(
                    account_name=council.name, sort_code="309457", account_number=f"{council.pk:08d}"
                ),
            )
            agreement = agreement_current()
            if agreement is None:
                raise DemoError("No platform agreement is published: run `manage.py migrate` first")
            services.agreement_accept(council=council, agreement=agreement, by=admin)
        for local, title, roles in DEMO_PEOPLE:
            email = f"{local}@{domain}"
            logins.append(DemoLogin(email, f"{title}, {council.short_name} ({DEMO_NAMES[code][local]})"))
            if not User.objects.filter(email=email).exists():
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=DEMO_NAMES[code][local],
                    council=council,
                    roles=roles,
                    membership_status=MembershipStatus.ACTIVE,
                )
                _verify(user)
    _demo_pool()
    return logins


DEMO_PROFILES = {
    "LDS": (
        "Housing repairs service designer",
        "Redesigning housing repairs reporting",
        "Tenants phoned to report repairs and waited weeks.",
        "Ran user research with 40 tenants and designed an online repairs journey with the contact centre.",
        "Phone calls fell by a third in six months.",
    ),
    "BST": (
        "Council tax reform lead",
        "Council tax reform for 90,000 households",
        "Council tax support was hard to claim and errors were common.",
        "Led the policy and digital redesign of the claim, working with revenues and benefits.",
        "Claims processed in 3 days instead of 21.",
    ),
    "CRF": (
        "Digital inclusion and libraries",
        "Libraries as digital help hubs",
        "Residents without internet could not reach council services.",
        "Set up assisted digital help in twelve libraries with volunteers.",
        "8,000 people helped in the first year.",
    ),
}


def _demo_pool() -> None:
    """Each demo specialist gets an approved profile, a past project, a rate and three hours a week."""
    today = timezone.localdate()
    for code, domain in DEMO_COUNCILS:
        specialist = User.objects.get(email=f"specialist@{domain}")
        if SpecialistProfile.objects.filter(user=specialist).exists():
            continue
        headline, title, problem, did, outcome = DEMO_PROFILES[code]
        assert specialist.council is not None  # demo_load made them a member of the council
        profile = pool.profile_save(
            user=specialist,
            headline=headline,
            summary=f"{headline} at {specialist.council.short_name}.",
            own_tags="user research, service design",
        )
        pool.past_project_save(
            profile=profile,
            by=specialist,
            title=title,
            problem=problem,
            what_i_did=did,
            outcome=outcome,
            year=today.year - 1,
        )
        approval.profile_submit(profile=profile, by=specialist)
        approver = User.objects.get(email=f"approver@{domain}")
        approval.profile_approve(
            profile=profile, by=approver, weekly_cap=Decimal("5"), ends_on=today + timedelta(days=300)
        )
        pool.profile_rate_set(profile=profile, by=User.objects.get(email=f"finance@{domain}"), amount=Decimal("55"))
        weekly_hours.pattern_set(profile=profile, by=specialist, hours=Decimal("3"), starts_on=today, ends_on=None)


def _verify(user: User) -> None:
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
