"""Council onboarding, invitations, the platform agreement and membership: every write lives here.

Each service is keyword-only, runs in one transaction, and raises `CouncilError` with a message a
person can read when the move is not allowed, having written nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, snapshot
from audit.transitions import StateMachine
from core.errors import DomainError
from notifications.services import email_people

from .models import (
    COUNCIL_MOVES,
    AgreementAcceptance,
    Council,
    CouncilDomain,
    CouncilStatus,
    CouncilStatusChange,
    PlatformAgreement,
    RechargeVat,
    Role,
    User,
    VatStatus,
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


def council_move(*, council: Council, to_status: str, by: User | None, reason: str = "") -> None:
    council_machine.move(council, to=to_status, by=by, note=reason)
    if to_status == CouncilStatus.ACTIVE and council.activated_at is None:
        council.activated_at = timezone.now()
    council.save(update_fields=["status", "activated_at", "updated_at"])


def council_locked(council: Council) -> Council:
    """The council's row locked against other changes, but not against rows that refer to it being written
    (FOR NO KEY UPDATE): a booking in flight holds its specialist's profile and checks its foreign keys to
    the council, while a status change here goes on, by trigger, to lock that profile. With a full lock the
    two would wait on each other."""
    return Council.objects.select_for_update(no_key=True).get(pk=council.pk)


@transaction.atomic
def council_suspend(*, council: Council, by: User, reason: str) -> Council:
    council = council_locked(council)
    if council.status not in (CouncilStatus.ACTIVE, CouncilStatus.ONBOARDING):
        raise CouncilError(f"Only an active or onboarding council can be suspended; {council.short_name} is not.")
    if not reason.strip():
        raise CouncilError("Enter the reason for suspending the council")
    council_move(council=council, to_status=CouncilStatus.SUSPENDED, by=by, reason=reason.strip())
    email_people(
        council_admins(council=council),
        kind="council_suspended",
        subject=f"{council.short_name} has been suspended from LocalGov Talent Pool",
        template="emails/council_suspended",
        context={"council": council, "reason": reason.strip()},
    )
    return council


@transaction.atomic
def council_reinstate(*, council: Council, by: User) -> Council:
    council = council_locked(council)
    if council.status != CouncilStatus.SUSPENDED:
        raise CouncilError(f"{council.short_name} is not suspended.")
    # A council suspended before it finished onboarding goes back to onboarding.
    was_active = council.activated_at is not None
    council_move(council=council, to_status=CouncilStatus.ACTIVE if was_active else CouncilStatus.ONBOARDING, by=by)
    email_people(
        council_admins(council=council),
        kind="council_reinstated",
        subject=f"{council.short_name} has been reinstated on LocalGov Talent Pool",
        template="emails/council_reinstated",
        context={"council": council},
    )
    return council


def council_activate_if_ready(*, council: Council, by: User) -> bool:
    """Onboarding ends when the current agreement is accepted and the finance details are complete."""
    if (
        council.status == CouncilStatus.ONBOARDING
        and council.finance_details_complete
        and council_has_accepted_current_agreement(council=council)
    ):
        council_move(council=council, to_status=CouncilStatus.ACTIVE, by=by)
        return True
    return False


# --- invitations --------------------------------------------------------------------------------


def email_normalised(email: str) -> str:
    return email.strip().lower()


def roles_cleaned(roles: Iterable[str]) -> list[str]:
    roles = [r for r in Role.values if r in set(roles)]
    if not roles:
        raise CouncilError("Select at least one role")
    return roles


# --- agreement and finance details --------------------------------------------------------------


@transaction.atomic
def agreement_accept(*, council: Council, agreement: PlatformAgreement, by: User) -> AgreementAcceptance:
    """Record that `by` accepted `agreement` for `council`. Only the current version can be accepted."""
    council = council_locked(council)
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
    council_activate_if_ready(council=council, by=by)
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
    if not (sort_code == "" or (len(sort_code) == 6 and sort_code.isascii() and sort_code.isdigit())):
        raise CouncilError("Enter a sort code of 6 digits, like 30-94-57")
    if not (number == "" or (len(number) == 8 and number.isascii() and number.isdigit())):
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
    council = council_locked(council)
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
    council = council_locked(council)
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
    council_activate_if_ready(council=council, by=by)
    return council


# --- members ------------------------------------------------------------------------------------


MEMBER_FIELDS = ("roles", "membership_status", "is_active")


def member_audit(*, member: User, by: User, action: str, before: dict) -> None:
    audit_record(
        actor=by,
        action=f"member.{action}",
        obj=member,
        councils=[member.council_id],
        before=before,
        after=snapshot(member, *MEMBER_FIELDS),
        label=f"Member {member.pk}",
    )
