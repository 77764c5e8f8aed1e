"""Council onboarding, invitations, the platform agreement and membership: every write lives here.

Each service is keyword-only, runs in one transaction, and raises `CouncilError` with a message a
person can read when the move is not allowed, having written nothing.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record, snapshot
from audit.transitions import StateMachine
from core.errors import DomainError
from core.text import has_control_characters
from notifications.models import OutboundEmail
from notifications.services import email_enqueue

from .models import (
    COUNCIL_MOVES,
    MEMBERSHIP_MOVES,
    AgreementAcceptance,
    Council,
    CouncilDomain,
    CouncilStatus,
    CouncilStatusChange,
    Invitation,
    MembershipStatus,
    PlatformAgreement,
    RechargeVat,
    Role,
    User,
    VatStatus,
    token_digest,
)
from .selectors import agreement_current, council_admins, council_has_accepted_current_agreement


class CouncilError(DomainError):
    """A refused onboarding or membership move; the message is shown to the person."""


# --- council status -----------------------------------------------------------------------------


def _council_history(council: Council, before: str, to: str, by: User | None, note: str) -> None:
    CouncilStatusChange.objects.create(council=council, from_status=before, to_status=to, changed_by=by, reason=note)


council_machine: StateMachine[Council] = StateMachine(
    moves=COUNCIL_MOVES,
    labels=CouncilStatus,
    error=CouncilError,
    noun="This council",
    audit_action="council",
    audit_councils=lambda council: [council.pk],
    audit_label=lambda council: council.short_name,
    history=_council_history,
    refusal=lambda council, current, to: (
        f"{council.short_name} is {CouncilStatus(current).label.lower()}; "
        f"it cannot become {CouncilStatus(to).label.lower()}."
    ),
)


membership_machine: StateMachine[User] = StateMachine(
    moves=MEMBERSHIP_MOVES,
    labels=MembershipStatus,
    error=CouncilError,
    noun="This person",
    refusal=lambda member, current, to: {
        MembershipStatus.REMOVED: f"{member} has already been removed",
    }.get(current, f"{member} is not waiting for approval"),
)


def _council_move(*, council: Council, to_status: str, by: User | None, reason: str = "") -> None:
    council_machine.move(council, to=to_status, by=by, note=reason)
    if to_status == CouncilStatus.ACTIVE and council.activated_at is None:
        council.activated_at = timezone.now()
    council.save(update_fields=["status", "activated_at", "updated_at"])


def _locked(council: Council) -> Council:
    return Council.objects.select_for_update().get(pk=council.pk)


@transaction.atomic
def council_suspend(*, council: Council, by: User, reason: str) -> Council:
    council = _locked(council)
    if council.status not in (CouncilStatus.ACTIVE, CouncilStatus.ONBOARDING):
        raise CouncilError(f"Only an active or onboarding council can be suspended; {council.short_name} is not.")
    if not reason.strip():
        raise CouncilError("Enter the reason for suspending the council")
    _council_move(council=council, to_status=CouncilStatus.SUSPENDED, by=by, reason=reason.strip())
    for admin in council_admins(council=council):
        email_enqueue(
            kind="council_suspended",
            to=admin.email,
            subject=f"{council.short_name} has been suspended from LocalGov Talent Pool",
            template="emails/council_suspended",
            context={"council": council, "reason": reason.strip(), "recipient": admin},
        )
    return council


@transaction.atomic
def council_reinstate(*, council: Council, by: User) -> Council:
    council = _locked(council)
    if council.status != CouncilStatus.SUSPENDED:
        raise CouncilError(f"{council.short_name} is not suspended.")
    # A council suspended before it finished onboarding goes back to onboarding.
    was_active = council.activated_at is not None
    _council_move(council=council, to_status=CouncilStatus.ACTIVE if was_active else CouncilStatus.ONBOARDING, by=by)
    for admin in council_admins(council=council):
        email_enqueue(
            kind="council_reinstated",
            to=admin.email,
            subject=f"{council.short_name} has been reinstated on LocalGov Talent Pool",
            template="emails/council_reinstated",
            context={"council": council, "recipient": admin},
        )
    return council


def _council_activate_if_ready(*, council: Council, by: User) -> bool:
    """Onboarding ends when the current agreement is accepted and the finance details are complete."""
    if (
        council.status == CouncilStatus.ONBOARDING
        and council.finance_details_complete
        and council_has_accepted_current_agreement(council=council)
    ):
        _council_move(council=council, to_status=CouncilStatus.ACTIVE, by=by)
        return True
    return False


# --- invitations --------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_email(*, invitation: Invitation, token: str) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    first_admin = Role.COUNCIL_ADMIN in invitation.roles and invitation.council.status in (
        CouncilStatus.NOT_INVITED,
        CouncilStatus.INVITED,
    )
    email_enqueue(
        kind="invitation",
        to=invitation.email,
        subject=f"You are invited to join {invitation.council.short_name} on LocalGov Talent Pool",
        template="emails/invitation",
        context={"invitation": invitation, "link": link, "first_admin": first_admin},
    )


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _full_name(full_name: str) -> str:
    """A person's name as given, on one line: it goes into e-mail subjects and onto invoices."""
    full_name = full_name.strip()
    if has_control_characters(full_name):
        raise CouncilError("Full name must not include line breaks, tabs or hidden characters")
    return full_name


def _clean_roles(roles: Iterable[str]) -> list[str]:
    roles = [r for r in Role.values if r in set(roles)]
    if not roles:
        raise CouncilError("Select at least one role")
    return roles


@transaction.atomic
def invitation_create(
    *, council: Council, email: str, roles: Iterable[str], invited_by: User, full_name: str = ""
) -> tuple[Invitation, str]:
    """Invite a person to join `council` with `roles`. Returns the invitation and its (unstored) token."""
    council = _locked(council)
    email = _normalise_email(email)
    roles = _clean_roles(roles)
    full_name = _full_name(full_name)
    if council.status == CouncilStatus.SUSPENDED:
        raise CouncilError(f"{council.short_name} is suspended; nobody can be invited until it is reinstated.")
    if council.status == CouncilStatus.NOT_INVITED and Role.COUNCIL_ADMIN not in roles:
        raise CouncilError("The first person invited to a council must be its council administrator")
    existing = User.objects.filter(email=email).select_related("council").first()
    if existing is not None:
        if existing.council_id == council.pk:
            raise CouncilError(f"{email} already has an account at {council.short_name}")
        raise CouncilError(f"{email} already has an account with LocalGov Talent Pool")
    # An expired, unanswered invitation no longer blocks a new one.
    Invitation.objects.open().filter(email__iexact=email, expires_at__lte=timezone.now()).update(
        cancelled_at=timezone.now(), cancelled_by=invited_by
    )
    if Invitation.objects.open().filter(email__iexact=email).exists():
        raise CouncilError(f"{email} already has an invitation waiting. Resend it instead.")
    token = _new_token()
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                council=council,
                email=email,
                full_name=full_name,
                roles=roles,
                token_hash=token_digest(token),
                invited_by=invited_by,
                expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
            )
    except IntegrityError as exc:  # a concurrent invitation to the same address won
        raise CouncilError(f"{email} already has an invitation waiting. Resend it instead.") from exc
    audit_record(
        actor=invited_by,
        action="invitation.sent",
        obj=invitation,
        councils=[council.pk],
        after={"roles": roles},
        label=f"Invitation {invitation.pk}",
    )
    if council.status == CouncilStatus.NOT_INVITED:
        _council_move(council=council, to_status=CouncilStatus.INVITED, by=invited_by)
    _invitation_email(invitation=invitation, token=token)
    return invitation, token


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> tuple[Invitation, str]:
    """Send a fresh link (the old one stops working) and restart the expiry clock."""
    invitation = Invitation.objects.select_for_update().select_related("council").get(pk=invitation.pk)
    if invitation.accepted_at or invitation.cancelled_at:
        raise CouncilError(f"The invitation to {invitation.email} has already been {invitation.state.lower()}")
    if invitation.council.status == CouncilStatus.SUSPENDED:
        raise CouncilError(f"{invitation.council.short_name} is suspended; invitations cannot be resent.")
    token = _new_token()
    now = timezone.now()
    invitation.token_hash = token_digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.send_count += 1
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at", "send_count"])
    _invitation_email(invitation=invitation, token=token)
    return invitation, token


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, by: User) -> Invitation:
    council = _locked(invitation.council)  # council before invitation, the order invitation_create uses
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.cancelled_at:
        raise CouncilError(f"The invitation to {invitation.email} has already been {invitation.state.lower()}")
    invitation.cancelled_at = timezone.now()
    invitation.cancelled_by = by
    invitation.save(update_fields=["cancelled_at", "cancelled_by"])
    audit_record(
        actor=by,
        action="invitation.cancelled",
        obj=invitation,
        councils=[council.pk],
        label=f"Invitation {invitation.pk}",
    )
    if council.status == CouncilStatus.INVITED and not council.invitations.open().exists():
        _council_move(council=council, to_status=CouncilStatus.NOT_INVITED, by=by, reason="Invitation cancelled")
    return invitation


def invitation_check(*, token: str) -> Invitation:
    """The invitation a link points at, if it can still be accepted; else CouncilError saying why."""
    invitation = Invitation.objects.select_related("council").filter(token_hash=token_digest(token)).first()
    _invitation_refuse_unusable(invitation)
    return invitation


def _invitation_refuse_unusable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise CouncilError(
            "This invitation link is not valid. It may have been replaced by a newer invitation: "
            "use the link in the most recent e-mail, or ask whoever invited you to send it again."
        )
    if invitation.accepted_at:
        raise CouncilError("This invitation has already been used. Sign in with your e-mail address and password.")
    if invitation.cancelled_at:
        raise CouncilError("This invitation has been cancelled. Ask whoever invited you to send a new one.")
    if invitation.is_expired:
        raise CouncilError("This invitation has expired. Ask whoever invited you to send it again.")
    if invitation.council.status == CouncilStatus.SUSPENDED:
        raise CouncilError(f"{invitation.council.short_name} is suspended, so this invitation cannot be accepted.")


@transaction.atomic
def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account (e-mail verified by the link) and end the invitation."""
    invitation = (
        Invitation.objects.select_for_update().select_related("council").filter(token_hash=token_digest(token)).first()
    )
    _invitation_refuse_unusable(invitation)
    if User.objects.filter(email=invitation.email).exists():
        raise CouncilError("An account already exists for this e-mail address. Sign in instead.")
    full_name = _full_name(full_name)
    if not full_name:
        raise CouncilError("Enter your full name")
    user = User(email=invitation.email, full_name=full_name, council=invitation.council, roles=invitation.roles)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    _audit_member(member=user, by=user, action="joined", before={})
    council = _locked(invitation.council)
    if council.status == CouncilStatus.INVITED:
        _council_move(council=council, to_status=CouncilStatus.ONBOARDING, by=user)
        # Other invitations to be the first administrator are no longer needed.
        council.invitations.open().exclude(pk=invitation.pk).update(cancelled_at=timezone.now(), cancelled_by=user)
    return user


# --- agreement and finance details --------------------------------------------------------------


@transaction.atomic
def agreement_accept(*, council: Council, agreement: PlatformAgreement, by: User) -> AgreementAcceptance:
    """Record that `by` accepted `agreement` for `council`. Only the current version can be accepted."""
    council = _locked(council)
    current = agreement_current()
    if current is None or agreement.pk != current.pk:
        raise CouncilError("A newer version of the agreement has been published. Read it before you accept.")
    if AgreementAcceptance.objects.filter(council=council, agreement=agreement).exists():
        raise CouncilError(f"{council.short_name} has already accepted version {agreement.version}.")
    acceptance = AgreementAcceptance.objects.create(council=council, agreement=agreement, accepted_by=by)
    audit_record(
        actor=by,
        action="council.agreement_accepted",
        obj=council,
        councils=[council.pk],
        after={"agreement_version": agreement.version},
        label=council.short_name,
    )
    _council_activate_if_ready(council=council, by=by)
    return acceptance


@transaction.atomic
def agreement_publish(*, title: str, body: str) -> PlatformAgreement:
    """Publish a new version; every council must accept it again."""
    latest = PlatformAgreement.objects.select_for_update().order_by("-version").first()
    return PlatformAgreement.objects.create(
        version=(latest.version + 1) if latest else 1, title=title.strip(), body=body.strip()
    )


# Anyone can have an address here, so a council may not let them sign up as its staff.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "live.co.uk",
        "yahoo.com",
        "yahoo.co.uk",
        "icloud.com",
        "me.com",
        "aol.com",
        "btinternet.com",
        "sky.com",
        "protonmail.com",
        "proton.me",
        "gov.uk",
        "nhs.net",
    }
)


def _normalise_domain(domain: str) -> str:
    domain = domain.strip().lower().removeprefix("@").rstrip(".")
    labels = domain.split(".")
    if (
        len(domain) > 253
        or len(labels) < 2
        or not all(label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels)
        or any(label.startswith("-") or label.endswith("-") for label in labels)
        or not labels[-1].isalpha()
    ):
        raise CouncilError(f"“{domain}” is not an e-mail domain. Enter domains like example.gov.uk")
    return domain


FINANCE_FIELDS = ("invoice_address", "finance_email", "payment_terms_days", "po_required", "vat_status", "vat_number")
VAT_FIELDS = ("vat_status", "vat_number", "recharge_vat")


@dataclass(frozen=True)
class BankDetails:
    """A UK bank account for invoices to be paid into: digits only, already checked for format by the form."""

    account_name: str
    sort_code: str  # six digits
    account_number: str  # eight digits

    NONE: ClassVar["BankDetails"]


BankDetails.NONE = BankDetails(account_name="", sort_code="", account_number="")


def _bank_snapshot(council: Council) -> dict:
    """Bank details for the audit log, the account number masked to its last four digits."""
    number = council.bank_account_number
    return {
        "bank_account_name": council.bank_account_name,
        "bank_sort_code": council.bank_sort_code,
        "bank_account_number": f"****{number[-4:]}" if number else "",
    }


def _bank_apply(council: Council, bank: BankDetails) -> None:
    name, sort_code, number = bank.account_name.strip(), bank.sort_code, bank.account_number
    if not (sort_code == "" or (len(sort_code) == 6 and sort_code.isdigit())):
        raise CouncilError("Enter a sort code of 6 digits, like 30-94-57")
    if not (number == "" or (len(number) == 8 and number.isdigit())):
        raise CouncilError("Enter an account number of 8 digits, like 00733445")
    if len({bool(name), bool(sort_code), bool(number)}) > 1:
        raise CouncilError("Enter the name on the account, the sort code and the account number, or none of them")
    council.bank_account_name, council.bank_sort_code, council.bank_account_number = name, sort_code, number


@transaction.atomic
def council_bank_vat_update(
    *, council: Council, by: User, bank: BankDetails, vat_status: str, vat_number: str, recharge_vat: str
) -> Council:
    """The finance officer's bank and VAT details. Invoices already issued keep the VAT treatment and number
    they were issued with; new ones use these."""
    if not by.has_role(Role.FINANCE_OFFICER) or by.council_id != council.pk:
        raise CouncilError("Only a finance officer of the council can change its bank and VAT details")
    if vat_status not in VatStatus.values:
        raise CouncilError("Select whether your council is VAT registered")
    if recharge_vat not in RechargeVat.values:
        raise CouncilError("Select how VAT applies to your recharges to other councils")
    if vat_status == VatStatus.REGISTERED and not vat_number.strip():
        raise CouncilError("Enter your council’s VAT registration number")
    if recharge_vat == RechargeVat.STANDARD and vat_status != VatStatus.REGISTERED:
        raise CouncilError("Only a VAT-registered council can charge VAT on its recharges")
    council = _locked(council)
    before = {**snapshot(council, *VAT_FIELDS), **_bank_snapshot(council)}
    _bank_apply(council, bank)
    council.vat_status = vat_status
    council.vat_number = vat_number.replace(" ", "").upper() if vat_status == VatStatus.REGISTERED else ""
    council.recharge_vat = recharge_vat
    council.save()
    after = {**snapshot(council, *VAT_FIELDS), **_bank_snapshot(council)}
    audit_record(
        actor=by,
        action="council.bank_vat_changed",
        obj=council,
        councils=[council.pk],
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
        label=council.short_name,
    )
    return council


@transaction.atomic
def council_finance_update(
    *,
    council: Council,
    by: User,
    invoice_address: str,
    finance_email: str,
    payment_terms_days: int,
    po_required: bool,
    vat_status: str,
    vat_number: str = "",
    domains: Iterable[str] = (),
    bank: BankDetails | None = None,
) -> Council:
    council = _locked(council)
    clean_domains = sorted({_normalise_domain(d) for d in domains if d.strip()})
    public = sorted(set(clean_domains) & PUBLIC_MAIL_DOMAINS)
    if public:
        raise CouncilError(f"{', '.join(public)} is a public e-mail service, not your council’s own domain")
    if not clean_domains:
        raise CouncilError("Enter at least one e-mail domain your colleagues use")
    taken = (
        CouncilDomain.objects.filter(domain__in=clean_domains).exclude(council=council).values_list("domain", flat=True)
    )
    if taken:
        raise CouncilError(f"{', '.join(sorted(taken))} is already used by another council")
    if not 1 <= payment_terms_days <= 120:
        raise CouncilError("Payment terms must be between 1 and 120 days")
    before = {
        **snapshot(council, *FINANCE_FIELDS),
        **_bank_snapshot(council),
        "domains": sorted(council.domains.values_list("domain", flat=True)),
    }
    if bank is not None:
        _bank_apply(council, bank)
    council.invoice_address = invoice_address.strip()
    council.finance_email = finance_email.strip().lower()
    council.payment_terms_days = payment_terms_days
    council.po_required = po_required
    council.vat_status = vat_status
    council.vat_number = vat_number.replace(" ", "").upper() if vat_status == "registered" else ""
    council.finance_details_updated_at = timezone.now()
    council.save()
    council.domains.exclude(domain__in=clean_domains).delete()
    existing = set(council.domains.values_list("domain", flat=True))
    CouncilDomain.objects.bulk_create(
        [CouncilDomain(council=council, domain=d) for d in clean_domains if d not in existing]
    )
    after = {**snapshot(council, *FINANCE_FIELDS), **_bank_snapshot(council), "domains": clean_domains}
    audit_record(
        actor=by,
        action="council.finance_details_changed",
        obj=council,
        councils=[council.pk],
        before={k: v for k, v in before.items() if v != after[k]},
        after={k: v for k, v in after.items() if v != before[k]},
        label=council.short_name,
    )
    _council_activate_if_ready(council=council, by=by)
    return council


# --- members ------------------------------------------------------------------------------------


MEMBER_FIELDS = ("roles", "membership_status", "is_active")


def _audit_member(*, member: User, by: User, action: str, before: dict) -> None:
    audit_record(
        actor=by,
        action=f"member.{action}",
        obj=member,
        councils=[member.council_id],
        before=before,
        after=snapshot(member, *MEMBER_FIELDS),
        label=f"Member {member.pk}",
    )


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
    member = User.objects.select_for_update().filter(pk=member.pk, council=council).first()
    if member is None:
        raise CouncilError("That person is not a member of your council")
    return member


def _refuse_losing_last_admin(*, member: User, council: Council) -> None:
    others = (
        User.objects.select_for_update()
        .filter(council=council, membership_status=MembershipStatus.ACTIVE, roles__contains=[Role.COUNCIL_ADMIN])
        .exclude(pk=member.pk)
    )
    if not others.exists():
        raise CouncilError(f"{member} is the only council administrator. Make someone else an administrator first.")


@transaction.atomic
def member_roles_change(*, member: User, roles: Iterable[str], by: User) -> User:
    council = _locked(by.council)
    _refuse_unless_still_admin(by=by, council=council)
    member = _member_locked(member=member, council=council)
    if member.membership_status != MembershipStatus.ACTIVE:
        raise CouncilError(f"{member} is not an active member")
    roles = _clean_roles(roles)
    if Role.COUNCIL_ADMIN in member.roles and Role.COUNCIL_ADMIN not in roles:
        _refuse_losing_last_admin(member=member, council=council)
    before = snapshot(member, *MEMBER_FIELDS)
    member.roles = roles
    member.save(update_fields=["roles"])
    _audit_member(member=member, by=by, action="roles_changed", before=before)
    return member


@transaction.atomic
def member_remove(*, member: User, by: User) -> User:
    council = _locked(by.council)
    _refuse_unless_still_admin(by=by, council=council)
    member = _member_locked(member=member, council=council)
    if member.pk == by.pk:
        raise CouncilError("You cannot remove yourself. Ask another council administrator.")
    membership_machine.refuse_unless(member, MembershipStatus.REMOVED)
    if Role.COUNCIL_ADMIN in member.roles:
        _refuse_losing_last_admin(member=member, council=council)
    before = snapshot(member, *MEMBER_FIELDS)
    membership_machine.move(member, to=MembershipStatus.REMOVED)
    member.is_active = False
    member.save(update_fields=["membership_status", "is_active"])
    _audit_member(member=member, by=by, action="removed", before=before)
    return member


@transaction.atomic
def member_signup_approve(*, member: User, roles: Iterable[str], by: User) -> User:
    council = _locked(by.council)
    _refuse_unless_still_admin(by=by, council=council)
    member = _member_locked(member=member, council=council)
    if member.membership_status != MembershipStatus.PENDING:
        raise CouncilError(f"{member} is not waiting for approval")
    before = snapshot(member, *MEMBER_FIELDS)
    member.roles = _clean_roles(roles)
    membership_machine.move(member, to=MembershipStatus.ACTIVE)
    member.save(update_fields=["roles", "membership_status"])
    _audit_member(member=member, by=by, action="signup_approved", before=before)
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
    council = _locked(by.council)
    _refuse_unless_still_admin(by=by, council=council)
    member = _member_locked(member=member, council=council)
    if member.membership_status != MembershipStatus.PENDING:
        raise CouncilError(f"{member} is not waiting for approval")
    before = snapshot(member, *MEMBER_FIELDS)
    membership_machine.move(member, to=MembershipStatus.REMOVED)
    member.is_active = False
    member.save(update_fields=["membership_status", "is_active"])
    _audit_member(member=member, by=by, action="signup_rejected", before=before)
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
    domain = _normalise_email(email).rpartition("@")[2]
    match = CouncilDomain.objects.select_related("council").filter(domain=domain).first()
    if match is None or match.council.status != CouncilStatus.ACTIVE:
        return None
    return match.council


def member_signup_record(*, user: User, council: Council) -> User:
    """A self-registered user on an allowed domain: pending until a council administrator approves."""
    user.council = council
    user.roles = []
    if user.membership_status != MembershipStatus.PENDING:  # the sign-up adapter saves it pending already
        membership_machine.move(user, to=MembershipStatus.PENDING)
    user.save(update_fields=["council", "roles", "membership_status"])
    _audit_member(member=user, by=user, action="signed_up", before={})
    for admin in council_admins(council=council):
        email_enqueue(
            kind="signup_pending",
            to=admin.email,
            subject=f"{user.full_name} has asked to join {council.short_name} on LocalGov Talent Pool",
            template="emails/signup_pending",
            context={"member": user, "council": council, "recipient": admin},
        )
    return user


@transaction.atomic
def member_erase_check(*, member: User, by: User) -> User:
    """The council's side of erasing a leaver: under the council's lock, `by` is still an administrator
    and `member` a removed member not yet erased. Returns the member, locked."""
    council = _locked(by.council)
    _refuse_unless_still_admin(by=by, council=council)
    member = _member_locked(member=member, council=council)
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
    """Replace a checked leaver's name and e-mail address; their e-mail addresses, invitations and the
    e-mails sent to them go (never a council's own finance address)."""
    old_email = member.email
    if not Council.objects.filter(finance_email__iexact=old_email).exists():
        OutboundEmail.objects.filter(to__iexact=old_email).delete()
    EmailAddress.objects.filter(user=member).delete()
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
