"""Changes to single sign-on: a council administrator saves the settings, platform staff check them, the
council turns them off; and what a sign-in through a council's provider may do (sso.adapters asks).

Every change is audited (the secret never: only whether it changed). Every move goes through
`sso_machine` (the database refuses a move outside SSO_MOVES)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from audit.transitions import StateMachine
from core.errors import DomainError
from councils import invitations, members
from councils.models import Council, CouncilDomain, CouncilStatus, MembershipStatus, Role, User
from councils.services import email_normalised

from .crypto import secret_encrypt
from .models import SSO_MOVES, SingleSignOn, SsoKind, SsoStatus
from .selectors import sso_for_email


@dataclass
class SsoError(DomainError):
    message: str

    def __str__(self) -> str:
        return self.message


sso_machine: StateMachine[SingleSignOn] = StateMachine(
    moves=SSO_MOVES,
    labels=SsoStatus,
    error=SsoError,
    noun="Single sign-on",
    audit_action="sso",
    audit_councils=lambda sso: [sso.council_id],
    audit_label=lambda sso: f"Single sign-on for {sso.council.short_name}",
)

SHOWN_FIELDS = ("kind", "tenant_id", "issuer", "client_id", "passwords_allowed")


def _settings_of(sso: SingleSignOn) -> dict:
    return {name: getattr(sso, name) for name in SHOWN_FIELDS}


def _refuse_unless_admin(*, council: Council, by: User) -> None:
    if not (by.council_id == council.pk and by.has_role(Role.COUNCIL_ADMIN)):
        raise SsoError("Only your council's administrators can change its single sign-on.")


@transaction.atomic
def sso_save(
    *,
    council: Council,
    by: User,
    kind: str,
    client_id: str,
    secret: str,
    passwords_allowed: bool,
    tenant_id: str = "",
    issuer: str = "",
) -> SingleSignOn:
    """Save the council's settings; they wait for platform staff to check them (again, after any change).
    A blank `secret` keeps the one saved."""
    _refuse_unless_admin(council=council, by=by)
    sso = SingleSignOn.objects.select_for_update().filter(council=council).first()
    if sso is None and not secret:
        raise SsoError("Enter the client secret")
    before = _settings_of(sso) if sso else {}
    fresh = sso is None
    sso = sso or SingleSignOn(council=council, status=SsoStatus.SUBMITTED)
    sso.kind = kind
    sso.tenant_id = tenant_id.strip().lower() if kind == SsoKind.ENTRA else ""
    sso.issuer = issuer.strip() if kind == SsoKind.OIDC else ""
    sso.client_id = client_id.strip()
    sso.passwords_allowed = passwords_allowed
    if secret:
        sso.secret_encrypted = secret_encrypt(secret)
    sso.changed_by, sso.changed_at, sso.returned_reason = by, timezone.now(), ""
    after = {**_settings_of(sso), "secret": "changed" if secret else "kept"}
    if fresh:
        sso.save()
        audit_record(
            actor=by,
            action="sso.submitted",
            obj=sso,
            councils=[council.pk],
            before={},
            after=after,
            label=str(sso),
        )
        return sso
    if sso.status == SsoStatus.ON and _settings_of(sso) == before:
        # nothing for staff to check: sign-in goes on; a new secret alone (an Entra secret expires) is audited
        if secret:
            audit_record(actor=by, action="sso.secret_changed", obj=sso, councils=[council.pk], label=str(sso))
    else:
        sso_machine.move(sso, to=SsoStatus.SUBMITTED, by=by, before=before, after=after)
    sso.save()
    return sso


@transaction.atomic
def sso_check(*, sso: SingleSignOn, by: User, turn_on: bool, reason: str = "") -> SingleSignOn:
    """Platform staff: turn the settings on, or return them to the council with a reason."""
    if not by.is_staff:
        raise SsoError("Only platform staff can check single sign-on settings.")
    sso = SingleSignOn.objects.select_for_update().select_related("council").get(pk=sso.pk)
    if sso.status != SsoStatus.SUBMITTED:
        raise SsoError(f"These settings are {SsoStatus(sso.status).label.lower()}, not waiting for a check.")
    if turn_on:
        sso_machine.move(sso, to=SsoStatus.ON, by=by)
        sso.checked_by, sso.checked_at = by, timezone.now()
    else:
        if not reason.strip():
            raise SsoError("Enter what the council needs to change")
        sso_machine.move(sso, to=SsoStatus.RETURNED, by=by, note=reason.strip())
        sso.returned_reason = reason.strip()
    sso.save()
    return sso


@transaction.atomic
def sso_turn_off(*, council: Council, by: User) -> SingleSignOn:
    """The council's people sign in with passwords again (each can reset theirs)."""
    _refuse_unless_admin(council=council, by=by)
    sso = SingleSignOn.objects.select_for_update().select_related("council").filter(council=council).first()
    if sso is None:
        raise SsoError("Your council has no single sign-on to turn off.")
    sso_machine.move(sso, to=SsoStatus.OFF, by=by)
    sso.changed_by, sso.changed_at = by, timezone.now()
    sso.save()
    return sso


DISCOVERY_TIMEOUT_SECONDS = 5


def issuer_refusal(url: str) -> str:
    """Why the service will not talk to this issuer ("" if it will): only https, to a public address; plain
    http or a loopback or private address only where SSO_ALLOW_LOCAL_ISSUER is on (development and the
    tests' own provider), so a council's settings cannot make the server call its own network."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if settings.SSO_ALLOW_LOCAL_ISSUER and host in ("127.0.0.1", "localhost", "::1"):
        return ""
    if parts.scheme != "https":
        return "The issuer URL must start with https://"
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        return ""  # not resolvable from here: the discovery check and sign-in will say so
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            return "The issuer URL must be a public address, not one inside a private network"
    return ""


def sso_discovery_check(*, sso: SingleSignOn) -> tuple[bool, str]:
    """What platform staff see before turning settings on: does the provider's discovery document answer,
    and does it name the issuer the settings expect?"""
    url = f"{sso.server_url}/.well-known/openid-configuration"
    refusal = issuer_refusal(sso.server_url)
    if refusal:
        return False, f"Not checked: {refusal}"
    try:
        response = requests.get(url, timeout=DISCOVERY_TIMEOUT_SECONDS)
        response.raise_for_status()
        issuer = response.json().get("issuer", "")
    except (requests.RequestException, ValueError) as error:
        return False, f"The provider's discovery document at {url} did not answer: {error.__class__.__name__}."
    if issuer.rstrip("/") != sso.server_url:
        return False, f"The provider answered, but names its issuer as {issuer or 'nothing'}, not {sso.server_url}."
    return True, f"The provider answered at {url} and names the issuer {issuer}."


# --- signing in through a council's provider ------------------------------------------------------


@dataclass
class SignInRefused(DomainError):
    message: str

    def __str__(self) -> str:
        return self.message


def _truthy(value) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _claimed_email(sso: SingleSignOn, claims: dict) -> str:
    """The e-mail address the provider vouches for, or SignInRefused. A generic provider must say it verified
    the address; Entra ID never says so, and is trusted for its own tenant's addresses (the issuer pins the
    tenant, and `tid` must be it) on the council's registered domains."""
    council = sso.council
    email = claims.get("email") or (claims.get("preferred_username") if sso.kind == SsoKind.ENTRA else "")
    if not email or "@" not in email:
        raise SignInRefused(
            f"{council.short_name}'s sign-in service did not give us your e-mail address, so we cannot tell who "
            "you are. Ask your council's IT team to release the e-mail claim to LocalGov Talent Pool."
        )
    if sso.kind == SsoKind.ENTRA:
        if str(claims.get("tid", "")).lower() != sso.tenant_id:
            raise SignInRefused(
                f"This sign-in came from a different Microsoft 365 organisation than {council.short_name}'s, so "
                "we cannot accept it."
            )
    elif not _truthy(claims.get("email_verified")):
        raise SignInRefused(
            f"{council.short_name}'s sign-in service has not verified your e-mail address, so we cannot use it "
            "to sign you in. Ask your council's IT team to verify it."
        )
    return email_normalised(email)


def sso_usable_refusal(*, sso: SingleSignOn) -> str:
    """Why nobody may sign in through these settings now ("" if they may)."""
    council = sso.council
    if council.status != CouncilStatus.ACTIVE:
        return f"{council.short_name} is not active on LocalGov Talent Pool, so nobody can sign in through its account."
    if sso.status != SsoStatus.ON:
        return f"Single sign-on is not on for {council.short_name}. Sign in with your e-mail address and password."
    return ""


def sso_sign_in_account(*, sso: SingleSignOn, claims: dict) -> User:
    """The account a sign-in through `sso` is for: the existing account with the e-mail address the provider
    vouches for; else one made from an open invitation to that address; else, on one of the council's
    registered domains, a new member waiting for the administrator's approval (as a sign-up with a
    password is). Anything else is refused (SignInRefused) and no account is made."""
    council = sso.council
    refusal = sso_usable_refusal(sso=sso)
    if refusal:
        raise SignInRefused(refusal)
    email = _claimed_email(sso, claims)
    domain = email.rpartition("@")[2]
    if not CouncilDomain.objects.filter(council=council, domain=domain).exists():
        raise SignInRefused(
            f"{email} is not on an e-mail domain {council.short_name} has registered with this service, so "
            "we cannot sign you in with it. Ask your council administrator."
        )
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email=email).first()
        if user is None:
            user = _account_made(council=council, email=email, claims=claims)
        elif refused := _member_refusal(user=user, council=council, whose=f"The account for {email}"):
            raise SignInRefused(refused)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def sso_sign_in_linked(*, sso: SingleSignOn, user: User) -> User:
    """A sign-in by a provider subject already linked to `user`: still this council's active member (the
    address may have changed at the council since; the subject is what identifies them). Makes nothing."""
    refusal = sso_usable_refusal(sso=sso)
    if refusal:
        raise SignInRefused(refusal)
    if refused := _member_refusal(user=user, council=sso.council, whose="Your account here"):
        raise SignInRefused(refused)
    return user


def _member_refusal(*, user: User, council: Council, whose: str) -> str | None:
    """Why `user` cannot sign in through `council`'s sign-in service, if they cannot: another council's
    account, or one that has been closed."""
    if user.council_id != council.pk:
        return (
            f"{whose} belongs to another council, so it cannot be signed in through "
            f"{council.short_name}'s sign-in service."
        )
    if not user.is_active or user.membership_status == MembershipStatus.REMOVED:
        return "Your account on LocalGov Talent Pool has been closed. Ask your council administrator."
    return None


def _account_made(*, council: Council, email: str, claims: dict) -> User:
    full_name = " ".join(str(claims.get("name", "")).split())[:150] or email.partition("@")[0]
    invited = invitations.invitation_accept_signed_in(council=council, email=email, full_name=full_name)
    if invited is not None:
        return invited
    user = User(email=email, full_name=full_name, membership_status=MembershipStatus.PENDING)
    user.set_unusable_password()
    user.save()
    return members.member_signup_record(user=user, council=council)


def sso_sign_in_record(*, sso: SingleSignOn, user: User) -> None:
    audit_record(
        actor=user,
        action="sso.signed_in",
        obj=user,
        councils=[sso.council_id],
        label=user.email,
        note=f"Through {sso.council.short_name}'s sign-in service",
    )


def sso_refusal_record(*, sso: SingleSignOn | None, reason: str) -> None:
    """A refused sign-in, for the council's audit log (no account was made or signed in)."""
    if sso is None:
        return
    audit_record(
        actor=None, action="sso.sign_in_refused", obj=sso, councils=[sso.council_id], note=reason, label=str(sso)
    )


def passwords_refused_for(*, email: str) -> SingleSignOn | None:
    """The single sign-on that refuses passwords for this address's council ("single sign-on only"): the
    council of the account with this address, where there is one (sso_for_email)."""
    sso = sso_for_email(email=email)
    return sso if sso is not None and sso.passwords_refused else None
