"""A small demo data set for `make run`: built through the same services people use."""

from dataclasses import dataclass

from django.db import transaction

from . import services
from .models import Council, CouncilStatus, MembershipStatus, Role, User
from .selectors import agreement_current

DEMO_PASSWORD = "demo-pass-2026"

# (register code, mail domain) of the councils that are active in the demo.
DEMO_COUNCILS = [("LDS", "leeds.gov.uk"), ("BST", "bristol.gov.uk"), ("CRF", "cardiff.gov.uk")]
DEMO_PEOPLE = [
    ("admin", "Council Administrator", [Role.COUNCIL_ADMIN]),
    ("approver", "Line Manager", [Role.APPROVER]),
    ("officer", "Booking Officer", [Role.BOOKING_OFFICER]),
    ("finance", "Finance Officer", [Role.FINANCE_OFFICER]),
    ("specialist", "Service Specialist", [Role.SPECIALIST]),
]
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
        staff = User.objects.create_superuser(
            email=PLATFORM_ADMIN, password=DEMO_PASSWORD, full_name="Pat Platform"
        )
        _verify(staff)
    for code, domain in DEMO_COUNCILS:
        council = Council.objects.filter(code=code).first()
        if council is None:
            raise DemoError(f"Council {code} is not in the register: run `manage.py import_councils` first")
        admin_email = f"admin@{domain}"
        if council.status == CouncilStatus.NOT_INVITED:
            _invitation, token = services.invitation_create(
                council=council, email=admin_email, roles=[Role.COUNCIL_ADMIN], invited_by=staff
            )
            admin = services.invitation_accept(
                token=token, full_name=f"{council.short_name} Administrator", password=DEMO_PASSWORD
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
            )
            services.agreement_accept(council=council, agreement=agreement_current(), by=admin)
        for local, title, roles in DEMO_PEOPLE:
            email = f"{local}@{domain}"
            logins.append(DemoLogin(email, f"{title}, {council.short_name}"))
            if not User.objects.filter(email=email).exists():
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=f"{council.short_name} {title}",
                    council=council,
                    roles=roles,
                    membership_status=MembershipStatus.ACTIVE,
                )
                _verify(user)
    return logins


def _verify(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
