"""A council's members: roles, removal, self sign-ups waiting for approval, and the council's side of
erasing a leaver. Membership status moves through `membership_machine`."""

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.db.models import Q

from audit.services import audit_record, snapshot
from audit.transitions import StateMachine
from notifications.models import OutboundEmail
from notifications.services import email_enqueue, email_people

from .models import (
    MEMBERSHIP_MOVES,
    Council,
    CouncilDomain,
    CouncilStatus,
    Invitation,
    MembershipStatus,
    Role,
    User,
)
from .selectors import council_admins
from .services import MEMBER_FIELDS, CouncilError, council_locked, email_normalised, member_audit, roles_cleaned

membership_machine: StateMachine[User] = StateMachine(
    moves=MEMBERSHIP_MOVES,
    labels=MembershipStatus,
    error=CouncilError,
    noun="This person",
    refusal=lambda member, current, to: (
        f"{member} has already been removed"
        if current == MembershipStatus.REMOVED
        else f"{member} is not waiting for approval"
    ),
)


def _admin_council_locked(by: User) -> Council:
    """The acting administrator's council, locked (a person with no council administers none)."""
    if by.council is None:
        raise CouncilError("You are no longer a council administrator, so you cannot change people’s access")
    return council_locked(by.council)


def _locked_for_admin(*, member: User, by: User) -> tuple[Council, User]:
    """The administrator's council and the member, locked in that order, once `by` is checked to be still
    an administrator of it and `member` one of its members."""
    council = _admin_council_locked(by)
    _refuse_unless_still_admin(by=by, council=council)
    return council, _member_locked(member=member, council=council)


def _refuse_unless_still_admin(*, by: User, council: Council) -> None:
    """Checked under the council's lock: the page was opened by an administrator, who may have lost the
    role (or been removed) since."""
    still = User.objects.filter(
        pk=by.pk,
        council=council,
        is_active=True,
        membership_status=MembershipStatus.ACTIVE,
        roles__contains=[Role.COUNCIL_ADMIN],
    ).exists()
    if not still:
        raise CouncilError("You are no longer a council administrator, so you cannot change people’s access")


def _member_locked(*, member: User, council: Council) -> User:
    # FOR NO KEY UPDATE, as councils.services.council_locked: a booking in flight may be checking a foreign key
    # to this member while holding the profile a change here goes on to update
    locked = User.objects.select_for_update(no_key=True).filter(pk=member.pk, council=council).first()
    if locked is None:
        raise CouncilError("That person is not a member of your council")
    return locked


def _refuse_losing_last_admin(*, member: User, council: Council) -> None:
    others = (
        User.objects.select_for_update(no_key=True)
        .filter(council=council, membership_status=MembershipStatus.ACTIVE, roles__contains=[Role.COUNCIL_ADMIN])
        .exclude(pk=member.pk)
    )
    if not others.exists():
        raise CouncilError(f"{member} is the only council administrator. Make someone else an administrator first.")


@transaction.atomic
def member_roles_change(*, member: User, roles: Iterable[str], by: User) -> User:
    council, member = _locked_for_admin(member=member, by=by)
    if member.membership_status != MembershipStatus.ACTIVE:
        raise CouncilError(f"{member} is not an active member")
    roles = roles_cleaned(roles)
    if Role.COUNCIL_ADMIN in member.roles and Role.COUNCIL_ADMIN not in roles:
        _refuse_losing_last_admin(member=member, council=council)
    before = snapshot(member, *MEMBER_FIELDS)
    member.roles = roles
    member.save(update_fields=["roles"])
    member_audit(member=member, by=by, action="roles_changed", before=before)
    return member


@transaction.atomic
def member_remove(*, member: User, by: User) -> User:
    council, member = _locked_for_admin(member=member, by=by)
    if member.pk == by.pk:
        raise CouncilError("You cannot remove yourself. Ask another council administrator.")
    membership_machine.refuse_unless(member, MembershipStatus.REMOVED)
    if Role.COUNCIL_ADMIN in member.roles:
        _refuse_losing_last_admin(member=member, council=council)
    before = snapshot(member, *MEMBER_FIELDS)
    membership_machine.move(member, to=MembershipStatus.REMOVED)
    member.is_active = False
    member.save(update_fields=["membership_status", "is_active"])
    member_audit(member=member, by=by, action="removed", before=before)
    return member


@transaction.atomic
def member_signup_approve(*, member: User, roles: Iterable[str], by: User) -> User:
    council, member = _locked_for_admin(member=member, by=by)
    if member.membership_status != MembershipStatus.PENDING:
        raise CouncilError(f"{member} is not waiting for approval")
    before = snapshot(member, *MEMBER_FIELDS)
    member.roles = roles_cleaned(roles)
    membership_machine.move(member, to=MembershipStatus.ACTIVE)
    member.save(update_fields=["roles", "membership_status"])
    member_audit(member=member, by=by, action="signup_approved", before=before)
    email_enqueue(
        kind="signup_approved",
        to=member.email,
        subject=f"Your LocalGov Talent Pool account at {council.short_name} is approved",
        template="emails/signup_approved",
        context={"member": member, "council": council},
    )
    return member


@transaction.atomic
def member_signup_reject(*, member: User, by: User) -> User:
    council, member = _locked_for_admin(member=member, by=by)
    if member.membership_status != MembershipStatus.PENDING:
        raise CouncilError(f"{member} is not waiting for approval")
    before = snapshot(member, *MEMBER_FIELDS)
    membership_machine.move(member, to=MembershipStatus.REMOVED)
    member.is_active = False
    member.save(update_fields=["membership_status", "is_active"])
    member_audit(member=member, by=by, action="signup_rejected", before=before)
    email_enqueue(
        kind="signup_rejected",
        to=member.email,
        subject="Your LocalGov Talent Pool sign-up was not approved",
        template="emails/signup_rejected",
        context={"member": member, "council": council},
    )
    return member


def council_for_signup_email(*, email: str) -> Council | None:
    """The active council whose allowed domains include this address's domain, if any."""
    domain = email_normalised(email).rpartition("@")[2]
    match = CouncilDomain.objects.select_related("council").filter(domain=domain).first()
    if match is None or match.council.status != CouncilStatus.ACTIVE:
        return None
    return match.council


def member_signup_record(*, user: User, council: Council) -> User:
    """A self-registered user on an allowed domain: pending until a council administrator approves."""
    user.council = council
    user.roles = []
    if user.membership_status != MembershipStatus.PENDING:  # the sign-up adapter saves it pending
        raise CouncilError(f"{user} did not sign up: only a new sign-up waits for approval")
    user.save(update_fields=["council", "roles", "membership_status"])
    member_audit(member=user, by=user, action="signed_up", before={})
    email_people(
        council_admins(council=council),
        kind="signup_pending",
        subject=f"{user.full_name} has asked to join {council.short_name} on LocalGov Talent Pool",
        template="emails/signup_pending",
        context={"member": user, "council": council},
    )
    return user


@transaction.atomic
def member_erase_check(*, member: User, by: User) -> User:
    """The council's side of erasing a leaver: under the council's lock, `by` is still an administrator
    and `member` a removed member not yet erased. Returns the member, locked."""
    council, member = _locked_for_admin(member=member, by=by)
    if member.pk == by.pk:
        raise CouncilError("You cannot erase yourself. Ask another council administrator.")
    if member.is_erased:
        raise CouncilError("This person’s details have already been erased")
    if member.membership_status != MembershipStatus.REMOVED:
        raise CouncilError(f"Remove {member} from your council before erasing their details")
    return member


ERASED_NAME = "Former member"


@transaction.atomic
def member_anonymise(*, member: User, by: User) -> User:
    """Replace a checked leaver's name and e-mail address; their e-mail addresses, links to their council's
    sign-in service, invitations and the e-mails sent to them go (never a council's own finance address)."""
    old_email = member.email
    if not Council.objects.filter(finance_email__iexact=old_email).exists():
        OutboundEmail.objects.filter(to__iexact=old_email).delete()
    EmailAddress.objects.filter(user=member).delete()
    SocialAccount.objects.filter(user=member).delete()  # the link to their council's sign-in, and its claims
    Invitation.objects.filter(Q(accepted_user=member) | Q(email__iexact=old_email)).update(
        email=f"erased-{member.pk}@erased.invalid", full_name=""
    )
    member.full_name = ERASED_NAME
    member.email = f"erased-{member.pk}@erased.invalid"
    member.set_unusable_password()  # with is_active off, any session still open stops working
    member.is_active = False
    member.roles = []
    member.save()
    audit_record(
        actor=by,
        action="member.erased",
        obj=member,
        councils=[member.council_id],
        note="Personal details erased; financial records kept",
        label=f"Member {member.pk}",
    )
    return member
