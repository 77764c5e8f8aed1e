"""Posting a need, telling the specialists who fit, their answers, and booking from an answer.

Every move goes through `need_machine` (history in the audit log; the database refuses a move outside
NEED_MOVES). A booking from an answer is made by bookings.services.booking_request, the same path as a
request from a profile: the same holds, checks and race safety.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from audit.services import audit_record
from audit.transitions import StateMachine
from bookings import services as bookings
from bookings.models import Booking
from core.clock import clock_now
from core.errors import DomainError
from core.hours import hours_problem
from councils.models import Role, User
from councils.selectors import council_can_transact
from notifications.services import email_people
from talentpool.models import ServiceArea, Skill, SlotStatus, SpecialistProfile
from talentpool.selectors import SearchParams, profile_is_listed, specialist_search_ranked
from talentpool.vocabulary import search_idea_phrases, search_idea_weights
from talentpool.weeks import first_future_monday, window_end

from .models import ANSWER_MOVES, NEED_MOVES, Need, NeedAnswer, NeedAnswerOutcome, NeedEmailsOff, NeedNotice, NeedStatus
from .selectors import need_open_for_answers

MOST_WEEKS = 8  # a need asks for at most this many weeks
TOLD_PER_NEED = 10  # the best-matching specialists told about each need
TOLD_PER_WEEK = 3  # nobody is told about more needs than this in seven days
FIT_SHARE = 0.5  # a specialist fits who covers at least this share of what the need's words name


@dataclass
class NeedError(DomainError):
    message: str

    def __str__(self) -> str:
        return self.message


# An answer's outcome follows from its need's move (recorded there), so it writes no history of its own.
answer_machine: StateMachine[NeedAnswer] = StateMachine(
    moves=ANSWER_MOVES, labels=NeedAnswerOutcome, error=NeedError, noun="This answer"
)

need_machine: StateMachine[Need] = StateMachine(
    moves=NEED_MOVES,
    labels=NeedStatus,
    error=NeedError,
    noun="This need",
    audit_action="need",
    audit_councils=lambda need: [need.council_id],
    audit_label=lambda need: f"Need {need.pk}: {need.title}",
)


@dataclass
class NeedDetails:
    """What an officer writes when posting or changing a need."""

    title: str
    problem: str
    help_wanted: str
    weeks: list[date]
    hours: Decimal
    closes_on: date
    shared: bool = False
    service_area: ServiceArea | None = None
    skills: tuple[Skill, ...] = ()


def need_problems(details: NeedDetails, *, today: date) -> dict[str, str]:
    """Everything wrong with `details`, by field, so a form shows every problem at once; the services ask
    again before saving."""
    problems: dict[str, str] = {}
    for name, what in (
        ("title", "what your council is starting"),
        ("problem", "the problem"),
        ("help_wanted", "the help you want"),
    ):
        if not getattr(details, name).strip():
            problems[name] = f"Enter {what}"
    first, last = first_future_monday(today), window_end(today)
    weeks = sorted(set(details.weeks))
    if not weeks:
        problems["weeks"] = "Choose at least one week"
    elif len(weeks) > MOST_WEEKS:
        problems["weeks"] = f"Choose at most {MOST_WEEKS} weeks"
    elif any(w.weekday() != 0 or not first <= w <= last for w in weeks):
        problems["weeks"] = f"Choose weeks from the week of {first:%-d %B} to the week of {last:%-d %B %Y}"
    if hours_issue := hours_problem(details.hours, what="Hours a week"):
        problems["hours"] = hours_issue
    if details.closes_on < today:
        problems["closes_on"] = "The closing date must be today or later"
    elif weeks and details.closes_on >= weeks[0]:
        problems["closes_on"] = f"The closing date must be before the first week you want ({weeks[0]:%-d %B})"
    return problems


def _officer_checked(officer: User) -> None:
    if not officer.has_role(Role.BOOKING_OFFICER) or not officer.is_active_member:
        raise NeedError("Only a booking officer can post a need")
    if not council_can_transact(council=officer.council):
        raise NeedError("Your council cannot book yet: it must be active and have accepted the current agreement")


def _own(need: Need, officer: User) -> None:
    if need.council_id != officer.council_id or not officer.has_role(Role.BOOKING_OFFICER):
        raise NeedError("Only a booking officer of the council that posted this need can do that")


@transaction.atomic
def need_save(*, officer: User, details: NeedDetails, need: Need | None = None, today: date | None = None) -> Need:
    """A new need (a draft), or changes to one still open or in draft."""
    today = today or timezone.localdate()
    _officer_checked(officer)
    if problems := need_problems(details, today=today):
        raise NeedError(next(iter(problems.values())))
    before: dict = {}
    if need is None:
        need = Need(council=officer.council, officer=officer)
    else:
        need = Need.objects.select_for_update().get(pk=need.pk)
        _own(need, officer)
        if need.status not in (NeedStatus.DRAFT, NeedStatus.OPEN):
            raise NeedError(f"This need is {need.get_status_display().lower()}: it can no longer be changed")
        before = {"title": need.title, "weeks": need.weeks, "hours": need.hours, "closes_on": need.closes_on}
        changed = sorted(set(details.weeks)) != need.weeks or details.hours != need.hours
        if changed and need.answers.exists():
            raise NeedError(
                "People have answered with the weeks and hours as they were: to want other weeks or hours, "
                "withdraw this need and post a new one"
            )
    need.title, need.problem, need.help_wanted = (
        details.title.strip(),
        details.problem.strip(),
        details.help_wanted.strip(),
    )
    need.weeks, need.hours, need.closes_on = sorted(set(details.weeks)), details.hours, details.closes_on
    need.shared, need.service_area = details.shared, details.service_area
    need.save()
    need.skills.set(details.skills)
    audit_record(
        actor=officer,
        action="need.changed" if before else "need.drafted",
        obj=need,
        councils=[need.council_id],
        before=before,
        after={"title": need.title, "weeks": need.weeks, "hours": need.hours, "closes_on": need.closes_on},
        label=f"Need {need.pk}: {need.title}",
    )
    return need


def _fitting_ids(need: Need, words: str, *, today: date) -> list[int]:
    """The search's own matches and order for `words` (and the need's service area), keeping those who cover
    at least half of what the words name (talentpool.vocabulary.search_idea_weights): a profile sharing
    one everyday word with a long description does not fit."""
    params = SearchParams(q=words[:500], service_area=need.service_area.code if need.service_area else None)
    ranked = specialist_search_ranked(viewer=need.officer, params=params, today=today)
    weights = search_idea_weights(words[:500])
    if len(weights) > 1:
        named = sum(w for w, findable in zip(weights, _findable(words[:500]), strict=True) if findable)
        ranked = ranked.filter(Q(covered__gte=FIT_SHARE * named))  # annotated by the search
    return list(ranked.values_list("pk", flat=True)[:200])


def _findable(words: str) -> list[bool]:
    """For each idea of `words`, whether any profile could have it: "it", "for" and "to" are no words to
    PostgreSQL's English search (stop words), so they are not part of what a need's words name."""
    ideas = search_idea_phrases(words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('english', p) <> ''::tsvector FROM unnest(%s::text[]) WITH ORDINALITY AS t(p, n)"
            " ORDER BY n",
            [[" ".join(phrases) for phrases in ideas]],
        )
        return [row[0] for row in cursor.fetchall()]


def need_matches(need: Need, *, today: date | None = None) -> list[SpecialistProfile]:
    """The listed specialists of other councils who fit, best first: the search's matching and ranking (past
    projects first) on what the council is starting, then, if nobody fits that, on the problem too; in the
    service area if one is named; keeping those who offer at least one of the weeks wanted, those with a
    skill asked for first."""
    today = today or timezone.localdate()
    ranked = _fitting_ids(need, need.title, today=today) or _fitting_ids(
        need, f"{need.title} {need.problem}", today=today
    )
    offering = set(
        SpecialistProfile.objects.filter(
            pk__in=ranked,
            slots__status=SlotStatus.OPEN,
            slots__week_start__in=need.weeks,
            slots__hours__gte=need.hours,
        ).values_list("pk", flat=True)
    )
    skill_ids = set(need.skills.values_list("pk", flat=True))
    if skill_ids:
        with_skill = set(
            SpecialistProfile.skills.through.objects.filter(
                specialistprofile_id__in=offering, skill_id__in=skill_ids
            ).values_list("specialistprofile_id", flat=True)
        )
        ranked.sort(key=lambda pk: pk not in with_skill)
    fitting = [pk for pk in ranked if pk in offering]
    profiles = SpecialistProfile.objects.in_bulk(fitting)
    return [profiles[pk] for pk in fitting]


def _tell(need: Need, profiles: list[SpecialistProfile]) -> list[NeedNotice]:
    """Tell up to TOLD_PER_NEED of `profiles` (best first) who have not had TOLD_PER_WEEK notices in the last
    seven days: a notice each (their home page) and an e-mail unless they switched them off."""
    with connection.cursor() as cursor:  # one publish at a time counts and tells, so the limit holds
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('needs.tell'))")
    since = clock_now() - timedelta(days=7)
    busy = set(
        NeedNotice.objects.filter(profile__in=profiles, at__gte=since)
        .values("profile_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=TOLD_PER_WEEK)
        .values_list("profile_id", flat=True)
    )
    chosen = [p for p in profiles if p.pk not in busy][:TOLD_PER_NEED]
    quiet = set(NeedEmailsOff.objects.filter(user__in=[p.user_id for p in chosen]).values_list("user_id", flat=True))
    notices = NeedNotice.objects.bulk_create(
        [NeedNotice(need=need, profile=p, emailed=p.user_id not in quiet) for p in chosen], ignore_conflicts=True
    )
    people = User.objects.filter(pk__in=[p.user_id for p in chosen if p.user_id not in quiet])
    email_people(
        people,
        kind="need_published",
        subject=f"{need.council.short_name} needs help with {need.title}: can you answer by {need.closes_on:%-d %B}?",
        template="emails/need_published",
        context={"need": need, "site_url": settings.SITE_URL},
    )
    return notices


@transaction.atomic
def need_publish(*, need: Need, by: User, today: date | None = None) -> list[NeedNotice]:
    """Open a draft and tell the specialists who fit. Returns the notices sent."""
    today = today or timezone.localdate()
    need = Need.objects.select_for_update().get(pk=need.pk)
    _own(need, by)
    _officer_checked(by)
    details = NeedDetails(
        title=need.title,
        problem=need.problem,
        help_wanted=need.help_wanted,
        weeks=need.weeks,
        hours=need.hours,
        closes_on=need.closes_on,
    )
    if problems := need_problems(details, today=today):
        raise NeedError(f"Change the need first: {next(iter(problems.values())).lower()}")
    need_machine.move(need, to=NeedStatus.OPEN, by=by)
    need.published_at = clock_now()
    need.save(update_fields=["status", "published_at"])
    return _tell(need, need_matches(need, today=today))


def _answerers_told(need: Need, *, outcome: str, subject: str, exclude: NeedAnswer | None = None) -> None:
    """Everyone who answered (but `exclude`) hears how the need ended; their waiting answers take `outcome`."""
    waiting = need.answers.filter(outcome=NeedAnswerOutcome.WAITING)
    if exclude is not None:
        waiting = waiting.exclude(pk=exclude.pk)
    people = User.objects.filter(profile__need_answers__in=waiting)
    email_people(
        list(people),
        kind="need_outcome",
        subject=subject,
        template="emails/need_outcome",
        context={"need": need, "site_url": settings.SITE_URL},
    )
    answer_machine.move_many(waiting, to=outcome)


@transaction.atomic
def need_withdraw(*, need: Need, by: User, reason: str) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    _own(need, by)
    if not reason.strip():
        raise NeedError("Enter why you are withdrawing the need, so the people who answered know")
    need_machine.move(need, to=NeedStatus.WITHDRAWN, by=by, note=reason.strip())
    need.ended_at, need.end_note = clock_now(), reason.strip()
    need.save(update_fields=["status", "ended_at", "end_note"])
    _answerers_told(
        need,
        outcome=NeedAnswerOutcome.NEED_ENDED,
        subject=f"{need.council.short_name} has withdrawn its need: {need.title}",
    )
    return need


@transaction.atomic
def need_answer(*, need: Need, by: User, note: str, weeks: list[date], today: date | None = None) -> NeedAnswer:
    """A specialist of another council answers with a short note and weeks from their open weeks."""
    today = today or timezone.localdate()
    need = Need.objects.select_for_update().get(pk=need.pk)
    profile = SpecialistProfile.objects.filter(user=by).first()
    if profile is None or not by.has_role(Role.SPECIALIST) or not profile_is_listed(profile=profile, today=today):
        raise NeedError("Only a specialist whose profile is listed can answer a need")
    if profile.council_id == need.council_id:
        raise NeedError("This need is your own council’s: ask your booking officer instead")
    if not need_open_for_answers(need, today=today):
        raise NeedError("This need is no longer taking answers")
    if NeedAnswer.objects.filter(need=need, profile=profile).exists():
        raise NeedError("You have already answered this need")
    if not note.strip():
        raise NeedError("Enter a short note: what you did before that fits this need")
    offered = set(answer_weeks(need=need, profile=profile, today=today))
    chosen = sorted(set(weeks))
    if not chosen:
        raise NeedError("Choose at least one of the weeks you can offer")
    if not set(chosen) <= offered:
        raise NeedError("Choose weeks from those you have open: one of them has just been taken or withdrawn")
    answer = NeedAnswer.objects.create(need=need, profile=profile, note=note.strip(), weeks=chosen)
    audit_record(
        actor=by,
        action="need.answered",
        obj=need,
        councils=[need.council_id, profile.council_id],
        after={"weeks": chosen},
        label=f"Need {need.pk}: {need.title}",
    )
    email_people(
        User.objects.filter(pk=need.officer_id),
        kind="need_answered",
        subject=f"{by.full_name} ({profile.council.short_name}) has answered your need: {need.title}",
        template="emails/need_answered",
        context={"need": need, "answer": answer, "site_url": settings.SITE_URL},
    )
    return answer


def answer_weeks(*, need: Need, profile: SpecialistProfile, today: date) -> list[date]:
    """The weeks of `need` that `profile` could be booked for at the need's hours (what an answer may
    offer): open, within the employer's permission, offering at least those hours, and within the weekly
    cap and working time limit (bookings.services.week_hours_problem, as the booking will ask)."""
    slots = profile.slots.filter(
        status=SlotStatus.OPEN,
        week_start__in=need.weeks,
        week_start__gte=first_future_monday(today),
        hours__gte=need.hours,
    ).order_by("week_start")
    if profile.approval_ends_on is not None:
        slots = slots.filter(week_start__lte=profile.approval_ends_on)
    return [
        slot.week_start
        for slot in slots
        if bookings.week_hours_problem(profile=profile, week=slot.week_start, hours=need.hours, offered=slot.hours)
        is None
    ]


@transaction.atomic
def need_book(
    *, answer: NeedAnswer, by: User, po_number: str = "", cost_centre: str = "", keep_open: bool = False
) -> Booking:
    """Turn an answer into a booking request, through the normal booking service. The need is then filled
    (everyone else who answered is told), unless the officer keeps it open for more people."""
    need = Need.objects.select_for_update().get(pk=answer.need_id)
    answer = NeedAnswer.objects.select_for_update().get(pk=answer.pk)
    _own(need, by)
    if need.status != NeedStatus.OPEN:
        raise NeedError(f"This need is {need.get_status_display().lower()}: it can no longer be booked from")
    if answer.outcome != NeedAnswerOutcome.WAITING:
        raise NeedError("A booking has already been requested from this answer")
    booking = bookings.booking_request(
        officer=by,
        profile=answer.profile,
        weeks=dict.fromkeys(answer.weeks, need.hours),
        brief=f"{need.title}\n\n{need.help_wanted}",
        po_number=po_number,
        cost_centre=cost_centre,
    )
    answer_machine.move(answer, to=NeedAnswerOutcome.BOOKED, by=by)
    answer.booking = booking
    answer.save(update_fields=["outcome", "booking"])
    if not keep_open:
        need_machine.move(need, to=NeedStatus.FILLED, by=by, note=f"Booking {booking.pk}")
        need.ended_at = clock_now()
        need.save(update_fields=["status", "ended_at"])
        _answerers_told(
            need,
            outcome=NeedAnswerOutcome.NOT_CHOSEN,
            subject=f"{need.council.short_name} has booked someone for its need: {need.title}",
            exclude=answer,
        )
    return booking


@transaction.atomic
def needs_close_due(*, today: date | None = None) -> int:
    """Open needs past their closing date close; the people who answered are told. Returns how many."""
    today = today or timezone.localdate()
    closed = 0
    for need in Need.objects.select_for_update(skip_locked=True).filter(status=NeedStatus.OPEN, closes_on__lt=today):
        need_machine.move(need, to=NeedStatus.CLOSED, by=None, note="Its closing date passed")
        need.ended_at = clock_now()
        need.save(update_fields=["status", "ended_at"])
        _answerers_told(
            need,
            outcome=NeedAnswerOutcome.NEED_ENDED,
            subject=f"{need.council.short_name}’s need has closed: {need.title}",
        )
        closed += 1
    return closed


@transaction.atomic
def need_hide(*, need: Need, by: User, reason: str) -> Need:
    """Platform staff hide a need from everyone but its own council (or show it again with no reason)."""
    if not by.is_staff:
        raise NeedError("Only platform staff can hide a need")
    need = Need.objects.select_for_update().get(pk=need.pk)
    before = {"hidden_reason": need.hidden_reason}
    need.hidden_reason, need.hidden_by = reason.strip(), by if reason.strip() else None
    need.save(update_fields=["hidden_reason", "hidden_by"])
    audit_record(
        actor=by,
        action="need.hidden" if need.hidden_reason else "need.shown",
        obj=need,
        councils=[need.council_id],
        before=before,
        after={"hidden_reason": need.hidden_reason},
        note=need.hidden_reason,
        label=f"Need {need.pk}: {need.title}",
    )
    return need


def need_emails_set(*, user: User, on: bool) -> None:
    """A specialist switches e-mails about needs on or off (needs still show on their home page)."""
    if on:
        NeedEmailsOff.objects.filter(user=user).delete()
    else:
        NeedEmailsOff.objects.get_or_create(user=user)


def need_answer_notes_erase(*, profile: SpecialistProfile) -> int:
    """A leaver's notes in their answers to needs, erased (the answers stay, for the needs' history)."""
    return NeedAnswer.objects.filter(profile=profile).exclude(note="").update(note="")
