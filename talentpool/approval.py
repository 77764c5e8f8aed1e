"""Employer permission: submit, approve (with a weekly cap and an end date), return, withdraw, expire and
the reminders before an approval ends; and the withdrawal when a leaver's details are erased."""

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from audit.transitions import StateMachine
from core.hours import hours_text
from councils.models import CouncilStatus, Role, User
from councils.selectors import council_admins, role_holders
from notifications.services import email_people

from .models import (
    PROFILE_MOVES,
    AvailabilityPattern,
    ProfileStatus,
    ProfileStatusChange,
    SlotStatus,
    SpecialistProfile,
    calendar_token_new,
)
from .services import PoolError, council_role_required, hours_checked, local_today, profile_locked
from .signals import profile_withdrawn
from .weekly_hours import slot_machine, slots_materialise
from .weeks import monday_of

MAX_APPROVAL_MONTHS = 12


REMINDER_DAYS = 14


def _profile_history(profile: SpecialistProfile, before: str, to: str, by: User | None, note: str) -> None:
    ProfileStatusChange.objects.create(profile=profile, from_status=before, to_status=to, changed_by=by, note=note)


profile_machine: StateMachine[SpecialistProfile] = StateMachine(
    moves=PROFILE_MOVES,
    labels=ProfileStatus,
    error=PoolError,
    noun="This profile",
    audit_action="profile",
    audit_councils=lambda profile: [profile.council_id],
    audit_label=lambda profile: f"Specialist profile {profile.pk}",
    history=_profile_history,
)


def _profile_move(
    *, profile: SpecialistProfile, to: str, by: User | None, note: str = "", after: dict | None = None
) -> None:
    before = {k: getattr(profile, k) for k in after} if after else {}
    profile_machine.move(profile, to=to, by=by, note=note, before=before, after=after)


@transaction.atomic
def profile_submit(*, profile: SpecialistProfile, by: User) -> SpecialistProfile:
    profile = profile_locked(profile)
    if profile.user_id != by.pk:
        raise PoolError("Only the specialist can submit their own profile")
    _profile_move(profile=profile, to=ProfileStatus.SUBMITTED, by=by)
    profile.returned_reason = ""
    profile.save(update_fields=["status", "returned_reason", "updated_at"])
    email_people(
        role_holders(council=profile.council, role=Role.APPROVER),
        kind="profile_submitted",
        subject=f"{profile.user.full_name} asks for permission to join the talent pool",
        template="emails/profile_submitted",
        context={"profile": profile},
    )
    return profile


def _require_approver(*, profile: SpecialistProfile, by: User) -> None:
    council_role_required(user=by, council_id=profile.council_id, roles=(Role.APPROVER,), action="decide this")
    if profile.user_id == by.pk:
        raise PoolError("You cannot approve your own profile: another approver at your council must")


@transaction.atomic
def profile_approve(
    *, profile: SpecialistProfile, by: User, weekly_cap: Decimal, ends_on: date, today: date | None = None
) -> SpecialistProfile:
    """Give (or change) permission: at most `weekly_cap` hours a week until `ends_on` (≤ 12 months)."""
    today = today or local_today()
    profile = profile_locked(profile)
    _require_approver(profile=profile, by=by)
    cap = hours_checked(weekly_cap, what="The weekly cap")
    if ends_on <= today:
        raise PoolError("The end date must be in the future")
    if ends_on > today + relativedelta(months=MAX_APPROVAL_MONTHS):
        raise PoolError("The end date must be no more than 12 months from today")
    if profile.council.status != CouncilStatus.ACTIVE:
        raise PoolError("Your council is not active, so nobody at it can be listed")
    _profile_move(
        profile=profile,
        to=ProfileStatus.APPROVED,
        by=by,
        note=f"Cap {hours_text(cap)} hours until {ends_on:%d %B %Y}",
        after={"weekly_cap": cap, "approval_ends_on": ends_on},
    )
    profile.weekly_cap = cap
    profile.approval_ends_on = ends_on
    profile.approved_by = by
    profile.approved_at = timezone.now()
    profile.returned_reason = ""
    profile.save()
    slots_materialise(profile=profile, today=today)
    email_people(
        [profile.user],
        kind="profile_approved",
        subject="You can now offer your time through the talent pool",
        template="emails/profile_approved",
        context={"profile": profile},
    )
    return profile


@transaction.atomic
def profile_return(*, profile: SpecialistProfile, by: User, reason: str) -> SpecialistProfile:
    profile = profile_locked(profile)
    _require_approver(profile=profile, by=by)
    if not reason.strip():
        raise PoolError("Enter what the specialist needs to change")
    _profile_move(profile=profile, to=ProfileStatus.RETURNED, by=by, note=reason.strip())
    profile.returned_reason = reason.strip()
    profile.save(update_fields=["status", "returned_reason", "updated_at"])
    email_people(
        [profile.user],
        kind="profile_returned",
        subject="Your talent pool profile needs changes",
        template="emails/profile_returned",
        context={"profile": profile},
    )
    return profile


@transaction.atomic
def profile_withdraw(*, profile: SpecialistProfile, by: User, reason: str) -> SpecialistProfile:
    """Withdraw permission at once: the profile is unlisted; weeks already held or booked stay."""
    profile = profile_locked(profile)
    council_role_required(user=by, council_id=profile.council_id, roles=(Role.APPROVER,), action="withdraw permission")
    if profile.status != ProfileStatus.APPROVED:
        raise PoolError(f"This profile is {ProfileStatus(profile.status).label.lower()}; it cannot become withdrawn.")
    if not reason.strip():
        raise PoolError("Enter the reason for withdrawing permission")
    _profile_move(profile=profile, to=ProfileStatus.WITHDRAWN, by=by, note=reason.strip())
    profile.save(update_fields=["status", "updated_at"])
    committed = list(
        profile.slots.filter(status__in=[SlotStatus.HELD, SlotStatus.BOOKED], week_start__gte=monday_of(local_today()))
    )
    context = {"profile": profile, "reason": reason.strip(), "committed_weeks": committed}
    email_people(
        [profile.user, *council_admins(council=profile.council)],
        kind="profile_withdrawn",
        subject=f"Permission withdrawn: {profile.user.full_name} is no longer listed in the talent pool",
        template="emails/profile_withdrawn",
        context=context,
    )
    # the booking councils whose weeks are held or booked are told by bookings (it owns who booked them)
    profile_withdrawn.send(sender=SpecialistProfile, profile=profile, committed_slots=committed, email_context=context)
    return profile


@transaction.atomic
def profiles_expire(*, today: date | None = None) -> int:
    """Beat: unlist every profile whose approval has ended. Running it twice changes nothing."""
    today = today or local_today()
    expired = 0
    due = SpecialistProfile.objects.select_for_update(skip_locked=True, of=("self",)).select_related("user", "council")
    for profile in due.filter(status=ProfileStatus.APPROVED, approval_ends_on__lt=today):
        _profile_move(profile=profile, to=ProfileStatus.EXPIRED, by=None, note="Approval ended")
        profile.save(update_fields=["status", "updated_at"])
        email_people(
            [profile.user, *role_holders(council=profile.council, role=Role.APPROVER)],
            kind="profile_expired",
            subject=f"{profile.user.full_name}’s talent pool permission has ended",
            template="emails/profile_expired",
            context={"profile": profile},
        )
        expired += 1
    return expired


@transaction.atomic
def approval_reminders_send(*, today: date | None = None, days: int = REMINDER_DAYS) -> int:
    """Beat: remind the specialist and approvers once, `days` before an approval ends."""
    today = today or local_today()
    due = (
        SpecialistProfile.objects.select_for_update(skip_locked=True)
        .select_related("user", "council")
        .filter(
            status=ProfileStatus.APPROVED,
            approval_ends_on__gte=today,
            approval_ends_on__lte=today + timedelta(days=days),
        )
    )
    sent = 0
    for profile in due:
        if profile.approval_reminder_sent_for == profile.approval_ends_on:
            continue
        email_people(
            [profile.user, *role_holders(council=profile.council, role=Role.APPROVER)],
            kind="approval_ending",
            subject=f"Permission for {profile.user.full_name} ends on {profile.approval_ends_on:%-d %B}",
            template="emails/approval_ending",
            context={"profile": profile},
        )
        profile.approval_reminder_sent_for = profile.approval_ends_on
        profile.save(update_fields=["approval_reminder_sent_for", "updated_at"])
        sent += 1
    return sent


@transaction.atomic
def profile_erase(*, profile: SpecialistProfile, by: User) -> SpecialistProfile:
    """Erasing a leaver: the profile's text, skills, areas, past projects, working hours and open weeks go,
    and a listed or waiting profile is withdrawn (with its history row). Bookings and hours stay."""
    profile = profile_locked(profile)
    if profile.status != ProfileStatus.DRAFT and profile.status != ProfileStatus.WITHDRAWN:
        _profile_move(profile=profile, to=ProfileStatus.WITHDRAWN, by=by, note="Personal details erased")
    profile.headline = "Erased"
    profile.summary = ""
    profile.returned_reason = ""
    profile.calendar_token = calendar_token_new()
    profile.search_vector = None
    profile.contracted_hours = SpecialistProfile._meta.get_field("contracted_hours").get_default()
    profile.working_time_opt_out = False
    profile.save()
    profile.status_changes.update(note="")
    profile.skills.clear()
    profile.service_areas.clear()
    profile.past_projects.all().delete()
    slot_machine.move_many(profile.slots.filter(status=SlotStatus.OPEN), to=SlotStatus.WITHDRAWN)
    AvailabilityPattern.objects.filter(profile=profile).delete()
    return profile
