"""The pool's rules: profiles, employer permission, rates, weekly hours. Every write lives here.

Services are keyword-only and atomic; a refused move raises `PoolError` with a message for the person,
having written nothing.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from djmoney.money import Money

from audit.services import audit_record, snapshot
from core.errors import DomainError
from core.hours import TENTH, hours_problem, hours_text
from core.money import amount_problem
from councils.models import Council, Role, User

from .models import (
    PastProject,
    SearchWithoutResults,
    SearchWord,
    ServiceArea,
    Skill,
    SpecialistProfile,
)
from .reference import words_in
from .vocabulary import search_words_forget, search_words_learn


class PoolError(DomainError):
    """A refused pool move; the message is shown to the person."""


def local_today() -> date:
    return timezone.localdate()


def hours_checked(hours: Decimal, *, cap: Decimal | None = None, what: str = "Hours") -> Decimal:
    problem = hours_problem(hours, what=what)
    if problem:
        raise PoolError(problem)
    if cap is not None and hours > cap:
        raise PoolError(f"{what} cannot be more than your employer’s weekly cap of {hours_text(cap)} hours")
    return hours.quantize(TENTH)  # as the database keeps them (and the audit log records them)


def skill_key(name: str) -> str:
    return " ".join(name.split()).lower()


# --- profiles -----------------------------------------------------------------------------------


def _specialist_council(user: User) -> Council:
    """The council of a specialist, who may have a profile; anyone else is refused."""
    if not user.has_role(Role.SPECIALIST) or user.council is None:
        raise PoolError("Only a council’s specialists can have a profile")
    return user.council


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
    skills: Iterable[Skill] = (),
    own_tags: str | list[str] = "",
    service_areas: Iterable[ServiceArea] = (),
    lgdss_points: Iterable[int] = (),
    contracted_hours: Decimal = Decimal("37"),
    working_time_opt_out: bool = False,
) -> SpecialistProfile:
    """Create or update the user's own profile. Editing never changes the employer's permission."""
    council = _specialist_council(user)
    if not headline.strip() or not summary.strip():
        raise PoolError("Enter a headline and a summary")
    points = sorted({int(p) for p in lgdss_points})
    if any(p < 1 or p > 15 for p in points):
        raise PoolError("Service standard points are numbered 1 to 15")
    profile, _created = SpecialistProfile.objects.select_for_update().get_or_create(
        user=user,
        defaults={"council": council, "headline": headline.strip(), "summary": summary.strip()},
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
    """Rebuild the profile's full-text vector (search_vectors_write) and keep its words for "Did you mean"."""
    search_vectors_write(profile_ids=[profile.pk])
    # Fresh queries, not profile.past_projects: a caller's prefetched copy may predate this change.
    texts = [profile.headline, profile.summary]
    for p in PastProject.objects.filter(profile=profile).only("title", "problem", "what_i_did", "outcome"):
        texts += [p.title, p.problem, p.what_i_did, p.outcome]
    search_words_add(*texts, *Skill.objects.filter(profiles=profile).values_list("name", flat=True))


# Where a word is found decides how much it counts: the headline, skills and past-project titles most (A),
# then the problems those projects met (B), the summary (C), and what was done and its outcome (D).
_SEARCH_VECTOR_SQL = """
    UPDATE talentpool_specialistprofile p SET search_vector =
        setweight(to_tsvector('english',
                              p.headline || ' ' || coalesce(s.names, '') || ' ' || coalesce(pp.titles, '')), 'A')
        || setweight(to_tsvector('english', coalesce(pp.problems, '')), 'B')
        || setweight(to_tsvector('english', p.summary), 'C')
        || setweight(to_tsvector('english', coalesce(pp.stories, '')), 'D')
    FROM talentpool_specialistprofile p2
    LEFT JOIN (SELECT l.specialistprofile_id pid, string_agg(k.name, ' ' ORDER BY k.name) names
               FROM talentpool_specialistprofile_skills l JOIN talentpool_skill k ON k.id = l.skill_id
               WHERE {skills_where} GROUP BY 1) s ON s.pid = p2.id
    LEFT JOIN (SELECT profile_id pid, string_agg(title, ' ' ORDER BY id) titles,
                      string_agg(problem, ' ' ORDER BY id) problems,
                      string_agg(what_i_did || ' ' || outcome, ' ' ORDER BY id) stories
               FROM talentpool_pastproject WHERE {projects_where} GROUP BY 1) pp ON pp.pid = p2.id
    WHERE p.id = p2.id AND {where}
"""


def search_vectors_write(*, profile_ids: list[int] | None = None, missing_only: bool = False) -> None:
    """Write the search vectors of these profiles (all, or only those without one) in one statement: the
    same SQL for a profile saved by its specialist, data loaded in bulk and a change of weights."""
    if profile_ids is not None:
        sql = _SEARCH_VECTOR_SQL.format(
            skills_where="l.specialistprofile_id = ANY(%s)",
            projects_where="profile_id = ANY(%s)",
            where="p.id = ANY(%s)",
        )
        params = [profile_ids] * 3
    else:
        sql = _SEARCH_VECTOR_SQL.format(
            skills_where="TRUE", projects_where="TRUE", where="p.search_vector IS NULL" if missing_only else "TRUE"
        )
        params = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def search_words_add(*texts: str) -> None:
    """Keep the words these texts use for "Did you mean" (a word already kept costs nothing)."""
    words = words_in(*texts)
    if words:
        SearchWord.objects.bulk_create([SearchWord(word=w) for w in sorted(words)], ignore_conflicts=True)
        search_words_learn(words)


def search_words_rebuild() -> int:
    """Every word the profiles and past projects use, in one statement (data loaded in bulk, the nightly
    run). Returns how many words are kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO talentpool_searchword (word) SELECT DISTINCT w FROM ("
            " SELECT regexp_split_to_table(lower(headline || ' ' || summary), '[^a-z]+') AS w"
            " FROM talentpool_specialistprofile"
            " UNION ALL SELECT regexp_split_to_table(lower(title || ' ' || problem || ' ' || what_i_did || ' ' ||"
            " outcome), '[^a-z]+') FROM talentpool_pastproject) words"
            " WHERE length(w) BETWEEN 4 AND 40 ON CONFLICT (word) DO NOTHING"
        )
    search_words_forget()
    return SearchWord.objects.count()


@transaction.atomic
def past_project_save(
    *, profile: SpecialistProfile, by: User, project: PastProject | None = None, **fields
) -> PastProject:
    if profile.user_id != by.pk:
        raise PoolError("You can only change your own past projects")
    year = fields.get("year") or 0
    if not 1990 <= year <= local_today().year:
        raise PoolError(f"Enter a year between 1990 and {local_today().year}")
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


def council_role_required(*, user: User, council_id: int, roles: tuple[str, ...], action: str) -> None:
    if user.council_id != council_id or not any(user.has_role(r) for r in roles):
        raise PoolError(f"Only the specialist’s own council can {action}")


@transaction.atomic
def past_project_verify(*, project: PastProject, by: User) -> PastProject:
    council_role_required(
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
    council_role_required(
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
    profile = SpecialistProfile.objects.select_for_update(of=("self",)).select_related("user").get(pk=profile.pk)
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


def profile_locked(profile: SpecialistProfile) -> SpecialistProfile:
    """The profile's row locked, with its user and council read but not locked: a change to either locks its
    own row first, then (by trigger) the profile's, to update listed_standing; locking theirs here too would
    take the two in the other order (a deadlock)."""
    return (
        SpecialistProfile.objects.select_for_update(of=("self",)).select_related("user", "council").get(pk=profile.pk)
    )


# --- weekly hours -------------------------------------------------------------------------------


def search_without_results_record(*, words: str, filters: dict) -> SearchWithoutResults:
    """Keep a search that found nobody: its words and filters (plain values), never who searched."""
    plain = {name: str(value) for name, value in filters.items() if value not in (None, "", [])}
    return SearchWithoutResults.objects.create(words=" ".join(words.split())[:200], filters=plain)
