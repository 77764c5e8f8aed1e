"""Invitations: platform staff invite a council's first administrator, administrators invite colleagues;
resend, cancel, check and accept (which creates the account)."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import audit_record
from core.text import has_control_characters
from notifications.services import email_enqueue

from .models import (
    Council,
    CouncilStatus,
    Invitation,
    Role,
    User,
    token_digest,
)
from .services import CouncilError, council_locked, council_move, email_normalised, member_audit, roles_cleaned


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


def _full_name(full_name: str) -> str:
    """A person's name as given, on one line: it goes into e-mail subjects and onto invoices."""
    full_name = full_name.strip()
    if has_control_characters(full_name):
        raise CouncilError("Full name must not include line breaks, tabs or hidden characters")
    return full_name


@transaction.atomic
def invitation_create(
    *, council: Council, email: str, roles: Iterable[str], invited_by: User, full_name: str = ""
) -> tuple[Invitation, str]:
    """Invite a person to join `council` with `roles`. Returns the invitation and its (unstored) token."""
    council = council_locked(council)
    email = email_normalised(email)
    roles = roles_cleaned(roles)
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
        council_move(council=council, to_status=CouncilStatus.INVITED, by=invited_by)
    _invitation_email(invitation=invitation, token=token)
    return invitation, token


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User | None) -> tuple[Invitation, str]:
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
    council = council_locked(invitation.council)  # council before invitation, the order invitation_create uses
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
        council_move(council=council, to_status=CouncilStatus.NOT_INVITED, by=by, reason="Invitation cancelled")
    return invitation


def invitation_check(*, token: str) -> Invitation:
    """The invitation a link points at, if it can still be accepted; else CouncilError saying why."""
    invitation = Invitation.objects.select_related("council").filter(token_hash=token_digest(token)).first()
    return _invitation_usable(invitation)


def _invitation_usable(invitation: Invitation | None) -> Invitation:
    """Refuses, saying why, an invitation that cannot be accepted (or none); returns one that can."""
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
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account (e-mail verified by the link) and end the invitation."""
    invitation = _invitation_usable(
        Invitation.objects.select_for_update().select_related("council").filter(token_hash=token_digest(token)).first()
    )
    if User.objects.filter(email=invitation.email).exists():
        raise CouncilError("An account already exists for this e-mail address. Sign in instead.")
    full_name = _full_name(full_name)
    if not full_name:
        raise CouncilError("Enter your full name")
    user = User(email=invitation.email, full_name=full_name, council=invitation.council, roles=invitation.roles)
    validate_password(password, user)
    user.set_password(password)
    return _invitation_accepted(invitation=invitation, user=user)


@transaction.atomic
def invitation_accept_signed_in(*, council: Council, email: str, full_name: str) -> User | None:
    """The invited person's account, made at their first sign-in through `council`'s own sign-in service
    (which vouched for the address), with no password here; None when no usable invitation from that
    council is open for the address (another council's invitation is accepted only with its link)."""
    invitation = (
        Invitation.objects.open()
        .select_for_update()
        .select_related("council")
        .filter(email=email_normalised(email), council=council)
        .order_by("-created_at")
        .first()
    )
    if invitation is None or invitation.is_expired or invitation.council.status == CouncilStatus.SUSPENDED:
        return None
    user = User(
        email=invitation.email,
        full_name=_full_name(full_name) or invitation.email,
        council=invitation.council,
        roles=invitation.roles,
    )
    user.set_unusable_password()
    return _invitation_accepted(invitation=invitation, user=user)


def _invitation_accepted(*, invitation: Invitation, user: User) -> User:
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user"])
    member_audit(member=user, by=user, action="joined", before={})
    council = council_locked(invitation.council)
    if council.status == CouncilStatus.INVITED:
        council_move(council=council, to_status=CouncilStatus.ONBOARDING, by=user)
        # Other invitations to be the first administrator are no longer needed.
        council.invitations.open().exclude(pk=invitation.pk).update(cancelled_at=timezone.now(), cancelled_by=user)
    return user
