"""Reads of needs: who may see one, the lists each person has, unmet demand."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from councils.models import Role, User
from talentpool.models import SearchWithoutResults

from .models import Need, NeedAnswer, NeedAnswerOutcome, NeedEmailsOff, NeedNotice, NeedStatus


def need_open_for_answers(need: Need, *, today: date) -> bool:
    return need.status == NeedStatus.OPEN and not need.is_hidden and need.closes_on >= today


@dataclass
class NeedPage:
    """What a need's page shows `user`, and which actions it offers them now."""

    own: bool  # a member of the council that posted it
    officer: bool  # one of its booking officers: the answers and the actions are theirs
    may_change: bool
    my_answer: NeedAnswer | None
    can_answer: bool
    answers: list[NeedAnswer]
    told: int | None  # how many specialists were told (for its own council)
    skills: list


def need_page(*, need: Need, user: User, today: date | None = None) -> NeedPage:
    today = today or timezone.localdate()
    own = need.council_id == user.council_id
    officer = own and user.has_role(Role.BOOKING_OFFICER)
    my_answer = NeedAnswer.objects.filter(need=need, profile__user=user).first()
    return NeedPage(
        own=own,
        officer=officer,
        may_change=officer and need.status in (NeedStatus.DRAFT, NeedStatus.OPEN),
        my_answer=my_answer,
        can_answer=(
            not own
            and my_answer is None
            and user.has_role(Role.SPECIALIST)
            and need_open_for_answers(need, today=today)
        ),
        answers=list(need_answers(need=need)) if officer else [],
        told=need.notices.count() if own else None,
        skills=list(need.skills.all()),
    )


def need_visible(*, need: Need, user: User) -> bool:
    """Its own council's members; once published, platform staff; and, unless staff have hidden it,
    specialists told about it or who answered and, when shared, booking officers of other councils."""
    if user.council_id == need.council_id and user.is_active_member:
        return True
    if need.status == NeedStatus.DRAFT:
        return False
    if user.is_staff:
        return True
    if need.is_hidden or not user.is_active_member:
        return False
    told = NeedNotice.objects.filter(need=need, profile__user=user).exists()
    answered = NeedAnswer.objects.filter(need=need, profile__user=user).exists()
    return told or answered or (need.shared and user.has_role(Role.BOOKING_OFFICER))


def needs_of_council(*, council_id: int) -> QuerySet[Need]:
    return (
        Need.objects.filter(council_id=council_id)
        .select_related("officer", "service_area")
        .annotate(answers_waiting=Count("answers", filter=Q(answers__outcome=NeedAnswerOutcome.WAITING)))
        .order_by("-created_at")
    )


def needs_shared_by_others(*, viewer: User, today: date | None = None) -> QuerySet[Need]:
    """Open needs other councils share with every officer, closing soonest first."""
    today = today or timezone.localdate()
    return (
        Need.objects.filter(status=NeedStatus.OPEN, shared=True, hidden_reason="", closes_on__gte=today)
        .exclude(council=viewer.council)
        .select_related("council")
        .order_by("closes_on", "pk")
    )


def needs_to_answer(*, user: User, today: date | None = None) -> QuerySet[Need]:
    """Open needs a specialist was told about and has not answered, closing soonest first."""
    today = today or timezone.localdate()
    return (
        Need.objects.filter(status=NeedStatus.OPEN, hidden_reason="", closes_on__gte=today, notices__profile__user=user)
        .exclude(Exists(NeedAnswer.objects.filter(need=OuterRef("pk"), profile__user=user)))
        .select_related("council")
        .order_by("closes_on", "pk")
    )


def answers_of_specialist(*, user: User) -> QuerySet[NeedAnswer]:
    return NeedAnswer.objects.filter(profile__user=user).select_related("need__council").order_by("-at")


def answers_to_read(*, council_id: int) -> QuerySet[Need]:
    """The council's open needs with answers waiting for the officer, with how many."""
    return (
        Need.objects.filter(council_id=council_id, status=NeedStatus.OPEN)
        .annotate(answers_waiting=Count("answers", filter=Q(answers__outcome=NeedAnswerOutcome.WAITING)))
        .filter(answers_waiting__gt=0)
        .order_by("closes_on", "pk")
    )


def need_answers(*, need: Need) -> QuerySet[NeedAnswer]:
    """A need's answers side by side with each profile (its council, headline, rate, past projects)."""
    return (
        NeedAnswer.objects.filter(need=need)
        .select_related("profile__user", "profile__council", "booking")
        .prefetch_related("profile__past_projects")
        .order_by("at")
    )


def needs_unanswered(*, since: date) -> QuerySet[Need]:
    """Needs that closed with nobody answering (unmet demand, beside the searches that found nobody)."""
    return Need.objects.filter(status=NeedStatus.CLOSED, ended_at__date__gte=since, answers__isnull=True)


def searches_without_results(*, since: date) -> QuerySet[SearchWithoutResults]:
    """Searches that found nobody (kept by the pool without who searched), the other half of unmet demand."""
    return SearchWithoutResults.objects.filter(at__date__gte=since)


def needs_for_staff() -> QuerySet[Need]:
    return Need.objects.exclude(status=NeedStatus.DRAFT).select_related("council", "officer").order_by("-created_at")


def need_emails_off(*, user: User) -> bool:
    """Whether a specialist switched off e-mails about needs."""
    return NeedEmailsOff.objects.filter(user=user).exists()
