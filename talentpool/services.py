"""The pool's rules: profiles, employer permission, rates, weekly hours. Every write lives here.

Services are keyword-only and atomic; a refused move raises `PoolError` with a message for the person,
having written nothing.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import Value
from django.utils import timezone
from djmoney.money import Money

from audit.services import audit_record, snapshot
from audit.transitions import StateMachine
from core.errors import DomainError
from core.hours import TENTH, hours_problem, hours_text
from core.money import amount_problem
from councils.models import CouncilStatus, Role, User
from councils.selectors import council_admins, role_holders
from notifications.services import email_people

from .models import (
    PROFILE_MOVES,
    SLOT_MOVES,
    AvailabilityPattern,
    PastProject,
    ProfileStatus,
    ProfileStatusChange,
    ServiceArea,
    Skill,
    SlotStatus,
    SpecialistProfile,
    WeekSlot,
    calendar_token_new,
)
from .signals import profile_withdrawn
from .weeks import first_future_monday, monday_of, mondays, window_end

MAX_APPROVAL_MONTHS = 12
REMINDER_DAYS = 14


class PoolError(DomainError):
    """A refused pool move; the message is shown to the person."""


def _today() -> date:
    return timezone.localdate()


def _hours(hours: Decimal, *, cap: Decimal | None = None, what: str = "Hours") -> Decimal:
    problem = hours_problem(hours, what=what)
    if problem:
        raise PoolError(problem)
    if cap is not None and hours > cap:
        raise PoolError(f"{what} cannot be more than your employer’s weekly cap of {hours_text(cap)} hours")
    return hours.quantize(TENTH)  # as the database keeps them (and the audit log records them)


def skill_key(name: str) -> str:
    return " ".join(name.split()).lower()


# --- profiles -----------------------------------------------------------------------------------


def _require_specialist(user: User) -> None:
    if not user.has_role(Role.SPECIALIST) or user.council_id is None:
        raise PoolError("Only a council’s specialists can have a profile")


def _own_tags(text_or_list) -> list[Skill]:
    names = text_or_list.split(",") if isinstance(text_or_list, str) else list(text_or_list)
    skills = []
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > 60:
            raise PoolError(f"“{name[:30]}…” is too long for a skill: use 60 characters or fewer")
        skill, _created = Skill.objects.get_or_create(key=skill_key(name), defaults={"name": name})
        skills.append(skill)
    return skills


@transaction.atomic
def profile_save(
    *,
    user: User,
    headline: str,
    summary: str,
    skills: list[Skill] = (),
    own_tags: str | list[str] = "",
    service_areas: list[ServiceArea] = (),
    lgdss_points: list[int] = (),
    contracted_hours: Decimal = Decimal("37"),
    working_time_opt_out: bool = False,
) -> SpecialistProfile:
    """Create or update the user's own profile. Editing never changes the employer's permission."""
    _require_specialist(user)
    if not headline.strip() or not summary.strip():
        raise PoolError("Enter a headline and a summary")
    points = sorted({int(p) for p in lgdss_points})
    if any(p < 1 or p > 15 for p in points):
        raise PoolError("Service standard points are numbered 1 to 15")
    profile, _created = SpecialistProfile.objects.select_for_update().get_or_create(
        user=user,
        defaults={"council": user.council, "headline": headline.strip(), "summary": summary.strip()},
    )
    profile.headline = headline.strip()
    profile.summary = summary.strip()
    profile.lgdss_points = points
    profile.contracted_hours = contracted_hours
    profile.working_time_opt_out = working_time_opt_out
    profile.save()
    profile.skills.set([*skills, *_own_tags(own_tags)])
    profile.service_areas.set(service_areas)
    profile_search_index(profile=profile)
    return profile


def profile_search_index(*, profile: SpecialistProfile) -> None:
    """Rebuild the profile's full-text vector: headline, skills and past-project titles weigh most (A),
    the summary next (B), the past projects' stories least (C)."""
    # Fresh queries, not profile.past_projects: a caller's prefetched copy may predate this change.
    projects = list(PastProject.objects.filter(profile=profile))
    skills = " ".join(Skill.objects.filter(profiles=profile).values_list("name", flat=True))
    titles = " ".join(p.title for p in projects)
    stories = " ".join(f"{p.problem} {p.what_i_did} {p.outcome}" for p in projects)
    vector = (
        SearchVector(Value(f"{profile.headline} {skills} {titles}"), weight="A", config="english")
        + SearchVector(Value(profile.summary), weight="B", config="english")
        + SearchVector(Value(stories), weight="C", config="english")
    )
    SpecialistProfile.objects.filter(pk=profile.pk).update(search_vector=vector)


@transaction.atomic
def past_project_save(
    *, profile: SpecialistProfile, by: User, project: PastProject | None = None, **fields
) -> PastProject:
    if profile.user_id != by.pk:
        raise PoolError("You can only change your own past projects")
    year = fields.get("year") or 0
    if not 1990 <= year <= _today().year:
        raise PoolError(f"Enter a year between 1990 and {_today().year}")
    if project is None:
        project = PastProject(profile=profile)
    elif project.profile_id != profile.pk:
        raise PoolError("That past project is not on your profile")
    changed = project.pk is None or any(getattr(project, k) != v for k, v in fields.items())
    for key, value in fields.items():
        setattr(project, key, value.strip() if isinstance(value, str) else value)
    if changed:  # an edited project is no longer the one the council verified
        project.verified_by = None
        project.verified_at = None
    project.save()
    profile_search_index(profile=profile)
    return project


@transaction.atomic
def past_project_delete(*, project: PastProject, by: User) -> None:
    if project.profile.user_id != by.pk:
        raise PoolError("You can only remove your own past projects")
    profile = project.profile
    project.delete()
    profile_search_index(profile=profile)


def _require_council_role(*, user: User, council_id: int, roles: tuple[str, ...], action: str) -> None:
    if user.council_id != council_id or not any(user.has_role(r) for r in roles):
        raise PoolError(f"Only the specialist’s own council can {action}")


@transaction.atomic
def past_project_verify(*, project: PastProject, by: User) -> PastProject:
    _require_council_role(
        user=by,
        council_id=project.profile.council_id,
        roles=(Role.APPROVER, Role.COUNCIL_ADMIN),
        action="verify a past project",
    )
    if project.profile.user_id == by.pk:
        raise PoolError("You cannot verify your own past project")
    project.verified_by = by
    project.verified_at = timezone.now()
    project.save(update_fields=["verified_by", "verified_at"])
    audit_record(
        actor=by,
        action="project.verified",
        obj=project.profile,
        councils=[project.profile.council_id],
        after={"past_project": project.pk, "verified_at": project.verified_at},
        label=f"Specialist profile {project.profile_id}",
    )
    return project


@transaction.atomic
def profile_rate_set(*, profile: SpecialistProfile, by: User, amount: Decimal) -> SpecialistProfile:
    _require_council_role(
        user=by,
        council_id=profile.council_id,
        roles=(Role.FINANCE_OFFICER, Role.COUNCIL_ADMIN),
        action="set a specialist’s hourly rate",
    )
    if profile.user_id == by.pk:
        raise PoolError("You cannot set your own hourly rate: another finance officer or administrator must")
    problem = amount_problem(amount, what="The hourly rate", minimum=Decimal("1"), maximum=Decimal("1000"))
    if problem:
        raise PoolError(problem)
    profile = SpecialistProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    before = snapshot(profile, "hourly_rate")
    profile.hourly_rate = Money(amount, "GBP")
    profile.rate_set_by = by
    profile.save(update_fields=["hourly_rate", "hourly_rate_currency", "rate_set_by", "updated_at"])
    audit_record(
        actor=by,
        action="profile.rate_set",
        obj=profile,
        councils=[profile.council_id],
        before=before,
        after=snapshot(profile, "hourly_rate"),
        label=f"Specialist profile {profile.pk}",
    )
    return profile


# --- employer permission ------------------------------------------------------------------------


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

# Slots move as consequences of a specialist's change or a booking's move, which is what records them.
slot_machine: StateMachine[WeekSlot] = StateMachine(
    moves=SLOT_MOVES, labels=SlotStatus, error=PoolError, noun="This week"
)


def _profile_move(
    *, profile: SpecialistProfile, to: str, by: User | None, note: str = "", after: dict | None = None
) -> None:
    before = {k: getattr(profile, k) for k in after} if after else {}
    profile_machine.move(profile, to=to, by=by, note=note, before=before, after=after)


def _locked_profile(profile: SpecialistProfile) -> SpecialistProfile:
    return SpecialistProfile.objects.select_for_update().select_related("user", "council").get(pk=profile.pk)


@transaction.atomic
def profile_submit(*, profile: SpecialistProfile, by: User) -> SpecialistProfile:
    profile = _locked_profile(profile)
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
    _require_council_role(user=by, council_id=profile.council_id, roles=(Role.APPROVER,), action="decide this")
    if profile.user_id == by.pk:
        raise PoolError("You cannot approve your own profile: another approver at your council must")


@transaction.atomic
def profile_approve(
    *, profile: SpecialistProfile, by: User, weekly_cap: Decimal, ends_on: date, today: date | None = None
) -> SpecialistProfile:
    """Give (or change) permission: at most `weekly_cap` hours a week until `ends_on` (≤ 12 months)."""
    today = today or _today()
    profile = _locked_profile(profile)
    _require_approver(profile=profile, by=by)
    cap = _hours(weekly_cap, what="The weekly cap")
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
    profile = _locked_profile(profile)
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
    profile = _locked_profile(profile)
    _require_council_role(user=by, council_id=profile.council_id, roles=(Role.APPROVER,), action="withdraw permission")
    if profile.status != ProfileStatus.APPROVED:
        raise PoolError(f"This profile is {ProfileStatus(profile.status).label.lower()}; it cannot become withdrawn.")
    if not reason.strip():
        raise PoolError("Enter the reason for withdrawing permission")
    _profile_move(profile=profile, to=ProfileStatus.WITHDRAWN, by=by, note=reason.strip())
    profile.save(update_fields=["status", "updated_at"])
    committed = list(
        profile.slots.filter(status__in=[SlotStatus.HELD, SlotStatus.BOOKED], week_start__gte=monday_of(_today()))
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
    today = today or _today()
    expired = 0
    due = SpecialistProfile.objects.select_for_update(skip_locked=True).select_related("user", "council")
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
    today = today or _today()
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


# --- weekly hours -------------------------------------------------------------------------------


@dataclass
class MaterialiseResult:
    created: int = 0
    updated: int = 0
    removed: int = 0


@transaction.atomic
def pattern_set(
    *,
    profile: SpecialistProfile,
    by: User,
    hours: Decimal,
    starts_on: date,
    ends_on: date | None,
    skip_weeks: list[date] = (),
) -> AvailabilityPattern:
    profile = _locked_profile(profile)
    if profile.user_id != by.pk:
        raise PoolError("You can only set your own hours")
    hours = _hours(hours, cap=profile.weekly_cap, what="Hours a week")
    if ends_on is not None and ends_on < starts_on:
        raise PoolError("The end date must be on or after the start date")
    skips = sorted({monday_of(d) for d in skip_weeks})
    pattern, _created = AvailabilityPattern.objects.update_or_create(
        profile=profile,
        defaults={"hours": hours, "starts_on": starts_on, "ends_on": ends_on, "skip_weeks": skips},
    )
    slots_materialise(profile=profile)
    return pattern


def _pattern_weeks(*, profile: SpecialistProfile, today: date) -> dict[date, Decimal]:
    """The weeks the pattern offers inside the rolling window, with their hours (capped)."""
    pattern = getattr(profile, "pattern", None)
    if pattern is None:
        return {}
    last = window_end(today)
    if pattern.ends_on:
        last = min(last, monday_of(pattern.ends_on))
    if profile.status == ProfileStatus.APPROVED and profile.approval_ends_on:
        last = min(last, monday_of(profile.approval_ends_on))
    first = max(first_future_monday(today), monday_of(pattern.starts_on))
    hours = min(pattern.hours, profile.weekly_cap) if profile.weekly_cap else pattern.hours
    skips = set(pattern.skip_weeks)
    return {week: hours for week in mondays(first, last) if week not in skips}


@transaction.atomic
def slots_materialise(*, profile: SpecialistProfile, today: date | None = None) -> MaterialiseResult:
    """Make the open future weeks match the pattern and the cap. Idempotent.

    Weeks the specialist changed by hand keep their hours (capped); withdrawn, held and booked weeks are
    never touched; weeks the pattern no longer offers are removed while still open.
    """
    today = today or _today()
    profile = _locked_profile(profile)
    wanted = _pattern_weeks(profile=profile, today=today)
    result = MaterialiseResult()
    future = profile.slots.select_for_update().filter(week_start__gte=first_future_monday(today))
    existing = {slot.week_start: slot for slot in future}
    for week, slot in existing.items():
        if slot.status != SlotStatus.OPEN:
            continue
        if slot.from_pattern and week not in wanted:
            slot.delete()
            result.removed += 1
            continue
        target = wanted.get(week, slot.hours) if slot.from_pattern else slot.hours
        if profile.weekly_cap:
            target = min(target, profile.weekly_cap)
        if slot.hours != target:
            slot.hours = target
            slot.save(update_fields=["hours", "updated_at"])
            result.updated += 1
    new = [WeekSlot(profile=profile, week_start=w, hours=h) for w, h in wanted.items() if w not in existing]
    WeekSlot.objects.bulk_create(new, ignore_conflicts=True)
    result.created = len(new)
    return result


def next_open_weeks_refresh() -> None:
    """Recompute every stored next open week that the calendar has overtaken (nightly; the triggers on
    the slots keep it right between times, and the search never trusts a value in the past)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT talentpool_next_open_week_refresh(ARRAY(SELECT id FROM talentpool_specialistprofile "
            "WHERE next_open_week < talentpool_first_future_monday()))"
        )


def slots_extend_all(*, today: date | None = None) -> MaterialiseResult:
    """Beat: roll every pattern's window forward. Running it twice changes nothing."""
    total = MaterialiseResult()
    ids = AvailabilityPattern.objects.exclude(
        profile__status__in=[ProfileStatus.WITHDRAWN, ProfileStatus.EXPIRED]
    ).values_list("profile_id", flat=True)
    for profile in SpecialistProfile.objects.filter(pk__in=list(ids)):
        result = slots_materialise(profile=profile, today=today)
        total.created += result.created
        total.updated += result.updated
        total.removed += result.removed
    next_open_weeks_refresh()
    return total


def _editable_slot(*, profile: SpecialistProfile, by: User, week_start: date, today: date) -> WeekSlot | None:
    if profile.user_id != by.pk:
        raise PoolError("You can only change your own weeks")
    if week_start.weekday() != 0:
        raise PoolError("A week starts on a Monday")
    if week_start < first_future_monday(today):
        raise PoolError("That week has started or passed, so it cannot be changed")
    if week_start > window_end(today):
        raise PoolError("You can set hours up to 26 weeks ahead")
    slot = profile.slots.select_for_update().filter(week_start=week_start).first()
    if slot is not None and slot.status in (SlotStatus.HELD, SlotStatus.BOOKED):
        raise PoolError(
            f"The week of {week_start:%-d %B} is {SlotStatus(slot.status).label.lower()} by a booking, "
            "so it cannot be changed here"
        )
    return slot


@transaction.atomic
def slot_hours_set(
    *, profile: SpecialistProfile, by: User, week_start: date, hours: Decimal, today: date | None = None
) -> WeekSlot:
    """Offer `hours` in one future week (creating the week, or reopening a withdrawn one)."""
    today = today or _today()
    profile = _locked_profile(profile)
    slot = _editable_slot(profile=profile, by=by, week_start=week_start, today=today)
    hours = _hours(hours, cap=profile.weekly_cap)
    if profile.status == ProfileStatus.APPROVED and profile.approval_ends_on and week_start > profile.approval_ends_on:
        raise PoolError(
            f"Your council’s permission ends on {profile.approval_ends_on:%-d %B %Y}, so you cannot offer later weeks"
        )
    if slot is None:
        return WeekSlot.objects.create(profile=profile, week_start=week_start, hours=hours, from_pattern=False)
    slot.hours = hours
    if slot.status != SlotStatus.OPEN:
        slot_machine.move(slot, to=SlotStatus.OPEN)
    slot.from_pattern = False
    slot.save(update_fields=["hours", "status", "from_pattern", "updated_at"])
    return slot


@transaction.atomic
def slot_withdraw(*, profile: SpecialistProfile, by: User, week_start: date, today: date | None = None) -> WeekSlot:
    today = today or _today()
    profile = _locked_profile(profile)
    slot = _editable_slot(profile=profile, by=by, week_start=week_start, today=today)
    if slot is None or slot.status != SlotStatus.OPEN:
        raise PoolError("You are not offering hours that week")
    slot_machine.move(slot, to=SlotStatus.WITHDRAWN)
    slot.from_pattern = False
    slot.save(update_fields=["status", "from_pattern", "updated_at"])
    return slot


@transaction.atomic
def profile_erase(*, profile: SpecialistProfile, by: User) -> SpecialistProfile:
    """Erasing a leaver: the profile's text, skills, areas, past projects, working hours and open weeks go,
    and a listed or waiting profile is withdrawn (with its history row). Bookings and hours stay."""
    profile = _locked_profile(profile)
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
