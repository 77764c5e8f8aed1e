"""Reads about councils and their people, with their joins done."""

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from .models import (
    AgreementAcceptance,
    Council,
    CouncilStatus,
    CouncilStatusChange,
    Invitation,
    MembershipStatus,
    Nation,
    PlatformAgreement,
    Role,
    User,
)


def agreement_current() -> PlatformAgreement | None:
    return PlatformAgreement.objects.order_by("-version").first()


def council_acceptance_latest(*, council: Council) -> AgreementAcceptance | None:
    return (
        AgreementAcceptance.objects.filter(council=council)
        .select_related("agreement", "accepted_by")
        .order_by("-agreement__version")
        .first()
    )


def on_current_agreement(council: Any) -> Exists:
    """Whether `council` (a Council, or a reference such as OuterRef("pk")) has accepted the current
    version of the platform agreement, as an expression: the version is a subquery (none published: never
    accepted). The one statement of the rule, for every query that asks it."""
    current = PlatformAgreement.objects.order_by("-version").values("pk")[:1]
    return Exists(AgreementAcceptance.objects.filter(council=council, agreement=Subquery(current)))


def council_has_accepted_current_agreement(*, council: Council) -> bool:
    """One query."""
    return Council.objects.filter(pk=council.pk).filter(on_current_agreement(OuterRef("pk"))).exists()


def council_read_with_standing(*, pk: int) -> tuple[Council, bool]:
    """A council read afresh, and whether it may transact (council_can_transact), in one query."""
    council = Council.objects.annotate(on_current=on_current_agreement(OuterRef("pk"))).get(pk=pk)
    return council, council.status == CouncilStatus.ACTIVE and bool(council.on_current)


def council_can_transact(*, council: Council | None) -> bool:
    """Whether a council may book or be booked: active, and on the current agreement."""
    return (
        council is not None
        and council.status == CouncilStatus.ACTIVE
        and council_has_accepted_current_agreement(council=council)
    )


def role_holders(*, council: Council | int, role: str) -> QuerySet[User]:
    """The active members of `council` who hold `role` (whom an e-mail about that role's work goes to)."""
    return User.objects.filter(
        council=council,
        membership_status=MembershipStatus.ACTIVE,
        is_active=True,
        roles__contains=[role],
    )


def council_admins(*, council: Council) -> QuerySet[User]:
    return role_holders(council=council, role=Role.COUNCIL_ADMIN)


def council_list(*, status: str = "", nation: str = "", q: str = "") -> QuerySet[Council]:
    councils = Council.objects.all()
    if status:
        councils = councils.filter(status=status)
    if nation:
        councils = councils.filter(nation=nation)
    if q:
        councils = councils.filter(
            Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__iexact=q) | Q(gss_code__iexact=q)
        )
    return councils.annotate(member_count=Count("users", filter=Q(users__membership_status="active"))).order_by(
        "short_name"
    )


def council_counts() -> dict:
    """Councils by status, and by nation and status, for the platform dashboard."""
    rows = Council.objects.values("nation", "status").annotate(n=Count("id"))
    by_status = dict.fromkeys(CouncilStatus.values, 0)
    by_nation = {n: {"total": 0, **dict.fromkeys(CouncilStatus.values, 0)} for n in Nation.values}
    for row in rows:
        by_status[row["status"]] += row["n"]
        by_nation[row["nation"]][row["status"]] += row["n"]
        by_nation[row["nation"]]["total"] += row["n"]
    return {
        "by_status": [(CouncilStatus(s), n) for s, n in by_status.items()],
        "by_nation": [(Nation(n), counts) for n, counts in by_nation.items()],
        "total": sum(by_status.values()),
    }


def council_members(*, council: Council) -> QuerySet[User]:
    return User.objects.filter(council=council).order_by("membership_status", "full_name", "email")


def council_invitations_open(*, council: Council) -> QuerySet[Invitation]:
    return council.invitations.open().select_related("invited_by").order_by("-sent_at")


def council_invitations(*, council: Council) -> QuerySet[Invitation]:
    return council.invitations.select_related("invited_by", "accepted_user").order_by("-created_at")


def council_admin_tasks(*, council: Council) -> dict:
    """What waits for a council administrator: people asking to join, invitations not yet accepted, the
    current agreement if not accepted, active members with no role."""
    members = User.objects.filter(council=council)
    return {
        "signups": list(members.filter(membership_status=MembershipStatus.PENDING).order_by("date_joined", "pk")),
        "invitations_open": council_invitations_open(council=council).count(),
        "agreement_to_accept": not council_has_accepted_current_agreement(council=council),
        "without_role": list(
            members.filter(membership_status=MembershipStatus.ACTIVE, is_active=True, roles=[]).order_by("full_name")
        ),
    }


def councils_joined_since(*, since: datetime) -> QuerySet[CouncilStatusChange]:
    """Councils whose first administrator joined (invited to onboarding) or that finished setting up
    (onboarding to active) since `since`, newest first; a reinstatement is neither."""
    return (
        CouncilStatusChange.objects.filter(changed_at__gte=since)
        .filter(
            Q(from_status=CouncilStatus.INVITED, to_status=CouncilStatus.ONBOARDING)
            | Q(from_status=CouncilStatus.ONBOARDING, to_status=CouncilStatus.ACTIVE)
        )
        .select_related("council")
        .order_by("-changed_at", "-pk")
    )


def members_joined_by_council(*, since: datetime) -> list[dict[str, Any]]:
    """How many people joined each council since `since` (active or waiting for approval; not those since
    removed), most first: dicts of the council's code and short name, `joined` and `pending`."""
    rows = (
        User.objects.filter(council__isnull=False, date_joined__gte=since)
        .exclude(membership_status=MembershipStatus.REMOVED)
        .values("council__code", "council__short_name")
        .annotate(joined=Count("pk"), pending=Count("pk", filter=Q(membership_status=MembershipStatus.PENDING)))
        .order_by("-joined", "council__short_name")
    )
    return [dict(row) for row in rows]
