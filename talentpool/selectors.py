"""Reads of the pool, with their joins done: the search, profile pages, week grids, approval lists."""

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.postgres.aggregates import JSONBAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    JSONField,
    Lookup,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone
from django.utils.functional import cached_property

from councils.models import CouncilStatus, MembershipStatus, Role, User
from councils.selectors import on_current_agreement

from .models import PastProject, ProfileStatus, SlotStatus, SpecialistProfile, WeekSlot
from .vocabulary import search_any, search_has_ideas, search_ideas_weighed, search_lexemes, search_match
from .weeks import WINDOW_WEEKS, first_future_monday, mondays, window_end

PAGE_SIZE = 20


def profile_listed_filter(*, today: date) -> Q:
    """Listed and bookable: approved, approval current, and the council active on the current agreement."""
    on_current = on_current_agreement(OuterRef("council"))
    return Q(
        status=ProfileStatus.APPROVED,
        approval_ends_on__gte=today,
        council__status=CouncilStatus.ACTIVE,
        # the specialist is still an active member holding the specialist role
        user__is_active=True,
        user__membership_status=MembershipStatus.ACTIVE,
        user__roles__contains=[Role.SPECIALIST],
    ) & Q(on_current)


def profile_listed_standing_filter(*, today: date) -> Q:
    """The same profiles as profile_listed_filter, from the profile's own row: its standing in the rule
    apart from the date, kept by the database (SpecialistProfile.listed_standing), and its approval current.
    The search filters every match by it, with no join to the user, the council or its acceptances."""
    return Q(listed_standing=True, approval_ends_on__gte=today)


@dataclass
class SearchParams:
    q: str = ""
    skill: int | None = None
    service_area: int | None = None  # LGSL code
    lgdss: int | None = None
    nation: str = ""
    region: str = ""
    council: str = ""  # register code
    week: date | None = None
    within_weeks: int | None = None
    min_hours: Decimal | None = None
    max_rate: Decimal | None = None
    sort: str = "relevance"  # relevance | soonest | rate

    @property
    def by_relevance(self) -> bool:
        """Ranked by relevance to the words (when there are words): asked for, or no other order asked."""
        return self.sort not in ("soonest", "rate")


class _StoredWeeks(Func):
    """An expression over a profile's stored open weeks (open_week_starts and open_week_hours, kept by
    triggers on the slots) between `first` and `last`, within the employer's permission, with at least
    `min_hours`: no slot is read. Subclasses write their SQL from named parts (_sql)."""

    names: tuple[str, ...] = ("weeks", "hours", "ends", "first", "last", "min_hours")

    def __init__(self, *more, first: date, last: date, min_hours: Decimal | None, **kwargs):
        super().__init__(
            F("open_week_starts"),
            F("open_week_hours"),
            F("approval_ends_on"),
            Value(first, output_field=DateField()),
            Value(last, output_field=DateField()),
            Value(min_hours or Decimal(0), output_field=DecimalField()),
            *more,
            **kwargs,
        )

    def _sql(self, compiler, *pieces: str) -> tuple[str, tuple]:
        """`pieces` joined: literal SQL, or "{name}" for a compiled part, its parameters kept in order."""
        parts = dict(zip(self.names, (compiler.compile(e) for e in self.source_expressions), strict=True))
        sql: list[str] = []
        params: list = []
        for piece in pieces:
            if piece.startswith("{"):
                part_sql, part_params = parts[piece.strip("{}")]
                sql.append(part_sql)
                params.extend(part_params)
            else:
                sql.append(piece)
        return "".join(sql), tuple(params)

    # the weeks that qualify, as rows o(w, h)
    QUALIFYING = (
        "unnest(", "{weeks}", ", ", "{hours}", ") AS o(w, h) WHERE o.w >= ", "{first}",
        " AND o.w <= LEAST(", "{last}", ", ", "{ends}", ") AND o.h >= ", "{min_hours}",
    )  # fmt: skip


class _FirstOpenWeek(_StoredWeeks):
    """The first week from `first` to `last` (and within the employer's permission) that a profile offers
    with at least `min_hours`, or NULL. `stored_current` (_stored_weeks_current): most profiles are then
    answered from their stored bookable week and its hours, two columns."""

    output_field = DateField()
    names = (*_StoredWeeks.names, "bookable", "bookable_hours")

    def __init__(self, *, first: date, last: date, min_hours: Decimal | None, stored_current: bool = False):
        self.stored_current = stored_current
        super().__init__(F("bookable_week"), F("bookable_hours"), first=first, last=last, min_hours=min_hours)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        read = ("(SELECT min(o.w) FROM ", *self.QUALIFYING, ")")
        if not self.stored_current:
            return self._sql(compiler, *read)
        # The stored bookable week is the profile's first open week within its permission: with none, or
        # none by `last`, there is none to find; when it is from `first` on and offers enough hours, it is
        # the one. Only a profile whose first week offers too few hours has its open weeks read.
        return self._sql(
            compiler,
            "(CASE WHEN ", "{bookable}", " IS NULL OR ", "{bookable}", " > ", "{last}", " THEN NULL",
            " WHEN ", "{bookable}", " >= ", "{first}", " AND ", "{bookable_hours}", " >= ", "{min_hours}",
            " THEN ", "{bookable}", " ELSE ", *read, " END)",
        )  # fmt: skip


class _ShownOpenWeeks(_StoredWeeks):
    """What a result lists of its open weeks: the first SHOWN_OPEN_WEEKS that qualify, their starts (`part`
    "w") or their hours ("h"), in week order (a page of twenty results read eighty slots in a query of its
    own). The stored weeks start at the database's current week: were the web server's clock behind the
    database's across midnight on a Sunday, the Monday just begun would not be listed (the search's own
    filters read the same stored weeks)."""

    def __init__(self, *, first: date, last: date, min_hours: Decimal | None, part: str):
        self.part = {"w": "w", "h": "h"}[part]
        output = DateField() if part == "w" else DecimalField(max_digits=4, decimal_places=1)
        super().__init__(first=first, last=last, min_hours=min_hours, output_field=ArrayField(output))

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        return self._sql(
            compiler,
            f"(SELECT coalesce(array_agg(s.{self.part} ORDER BY s.w), '{{}}') FROM (SELECT o.w, o.h FROM ",
            *self.QUALIFYING,
            f" ORDER BY o.w LIMIT {SHOWN_OPEN_WEEKS}) AS s)",
        )


def _soonest(*, today: date, min_hours: Decimal | None, stored_current: bool):
    """The first open week a profile offers in the window and within its permission (with the minimum of
    hours, if asked).

    Without a minimum, read from the stored `next_open_week` when it can be trusted: it was computed from a
    current week no later than `today`'s (`today` is not behind the database's clock) and has not been
    overtaken by the calendar. Otherwise from the profile's open weeks (_FirstOpenWeek).
    """
    first, last = first_future_monday(today), window_end(today)
    read = _FirstOpenWeek(first=first, last=last, min_hours=min_hours, stored_current=stored_current)
    if min_hours:
        return read
    trusted = Q(
        ExpressionWrapper(
            RawSQL("%s::date >= talentpool_first_future_monday()", [first]),
            output_field=BooleanField(),
        )
    )
    in_window = Q(next_open_week__lte=last) & Q(next_open_week__lte=F("approval_ends_on"))
    return Case(
        When(trusted & Q(next_open_week__isnull=True), then=Value(None, output_field=DateField())),
        When(trusted & Q(next_open_week__gte=first) & in_window, then=F("next_open_week")),
        When(trusted & Q(next_open_week__gte=first), then=Value(None, output_field=DateField())),
        default=read,
        output_field=DateField(),
    )


SHOWN_OPEN_WEEKS = 4  # a result lists its next few open weeks


def specialist_search(*, viewer: User, params: SearchParams, today: date | None = None) -> QuerySet[SpecialistProfile]:
    """Listed specialists of other councils matching `params`, ranked and with what a result shows
    prefetched: council, matching past projects, next open weeks. The number of queries does not grow
    with the number of results."""
    today = today or timezone.localdate()
    ranked = specialist_search_ranked(viewer=viewer, params=params, today=today)
    return _for_display(ranked.select_related("user", "council"), params=params, today=today)


def specialist_search_ranked(
    *,
    viewer: User,
    params: SearchParams,
    today: date | None = None,
    stored_weeks_current: bool | None = None,
    related_ids: list[int] | None = None,
) -> QuerySet[SpecialistProfile]:
    """The matching profiles in result order, with nothing joined for display: the search page pages
    through these narrow rows and fetches what it shows for one page only (SearchPaginator).
    `stored_weeks_current` (_stored_weeks_current) and `related_ids` (related_allowed): if the caller knows
    them.

    Ordered by soonest week: then the cheapest, then the oldest profile. By rate: then the oldest profile.
    Both orders are read from an index when they can be (sorted_from_an_index)."""
    today = today or timezone.localdate()
    profiles = SpecialistProfile.objects.filter(profile_listed_standing_filter(today=today))
    if viewer.council_id:
        profiles = profiles.exclude(council_id=viewer.council_id)
    if related_ids is None:
        related_ids = related_allowed(params)
    profiles = _search_filter_related(profiles, params=params, allowed=related_ids)
    profiles = _search_filter_columns(profiles, params=params)
    if stored_weeks_current is None:
        stored_weeks_current = _reads_weeks(params) and _stored_weeks_current(today=today)
    profiles = _search_filter_weeks(profiles, params=params, today=today, stored_current=stored_weeks_current)

    by_words = search_has_ideas(params.q)
    if by_words and params.by_relevance:
        return _search_by_relevance(profiles, words_typed=params.q)
    if by_words:
        profiles = profiles.filter(search_vector=search_match(params.q))
    cheapest = F("hourly_rate").asc(nulls_last=True)
    if params.sort == "rate":  # walks profile_rate_idx
        return profiles.order_by(cheapest, "pk")
    if stored_weeks_current and not params.min_hours:  # walks profile_soonest_idx
        profiles = profiles.annotate(soonest=F("bookable_week"))
    else:
        soonest = _soonest(today=today, min_hours=params.min_hours, stored_current=stored_weeks_current)
        profiles = profiles.annotate(soonest=soonest)
    return profiles.order_by(F("soonest").asc(nulls_last=True), cheapest, "pk")


def sorted_from_an_index(*, params: SearchParams, stored_weeks_current: bool) -> bool:
    """Whether a search's order is read from an index (profile_rate_idx, profile_soonest_idx) until a page
    is found, rather than worked out for every match: ordered by rate; or by soonest week (or with no words)
    when the stored weeks are current and no minimum of hours is asked."""
    if params.by_relevance and search_has_ideas(params.q):
        return False
    return params.sort == "rate" or (stored_weeks_current and not params.min_hours)


def _reads_weeks(params: SearchParams) -> bool:
    """Whether a search reads open weeks: to filter by them or order by the soonest."""
    by_words = params.by_relevance and search_has_ideas(params.q)
    return bool(params.within_weeks or params.min_hours or not (by_words or params.sort == "rate"))


def _stored_weeks_current(*, today: date) -> bool:
    """Whether every profile's stored bookable week (SpecialistProfile.bookable_week) is its soonest week as
    of `today`: computed from a current week no later than today's (the database's clock is not ahead of
    `today`), none overtaken by the calendar (a week passing leaves some in the past until the nightly
    refresh) and none beyond the window. When not, the soonest week is read from each profile's open weeks
    (_soonest): slower, never wrong. One probe of profile_soonest_idx."""
    first, last = first_future_monday(today), window_end(today)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT talentpool_first_future_monday() <= %s AND NOT EXISTS (SELECT FROM talentpool_specialistprofile"
            " WHERE bookable_week < %s OR bookable_week > %s)",
            [first, first, last],
        )
        (current,) = cursor.fetchone()
    return bool(current)


# A search's candidates for the two-stage ranking (among_candidates): for each word its matches of highest
# score (SearchTerm), CANDIDATES shared among the words, and more only for a page past the first ten
# (together at least twice the page's end): so the first ten pages rank the same candidates, and none
# repeats or leaves out someone another showed. A sentence's dozen words took 300 each before: some 1,200
# profiles ranked, 10 ms of its page's SQL; 400 in all ranks about 400, and put the relevance set's
# expected profile in the top three as often or more (benchmarks/README.md). The words are given as a list
# and the count as a number, so that the planner knows how few candidates there are: with the count worked
# out in SQL it expected thousands, and for a sentence of 30 words read every profile (107 ms) instead of
# the 320 candidates.
STAGE_ONE = """
    SELECT t.profile_id FROM unnest(%s::text[]) AS q(lexeme)
    CROSS JOIN LATERAL (SELECT profile_id FROM talentpool_searchterm t WHERE t.lexeme = q.lexeme
                        ORDER BY t.score DESC LIMIT %s) AS t
"""


def _search_by_relevance(
    profiles: QuerySet[SpecialistProfile],
    *,
    words_typed: str,
    matching: bool = False,
) -> QuerySet[SpecialistProfile]:
    """Profiles covering any of the search's ideas, best first: by how much of the search they cover (each
    idea counting as much as it is telling: talentpool.vocabulary.search_idea_weights, so a profile covering
    every idea comes before one covering some, and "ransomware" outweighs "systems"), then by rank (ts_rank:
    a word in a past project's title, a skill or the headline counts most, then the projects' problems,
    the summary, the rest; talentpool.services.search_vectors_write). Not all-or-nothing: a word nobody has
    leaves the others to rank. (among_candidates: the same in two stages.) `matching`: `profiles` are known
    to match already."""
    anything = search_any(words_typed)
    assert anything is not None, "ranked by words only when the search has some"
    if not matching:
        profiles = profiles.filter(search_vector=search_match(words_typed))  # the same matches, from the index
    ranked = profiles.annotate(rank=SearchRank(F("search_vector"), anything))
    # Even one idea is counted as covered or not: a result through its words alone ("home help" typed, no
    # phrase of the idea used: talentpool.vocabulary.Idea.loose) comes after every profile using a phrase.
    ranked = ranked.annotate(covered=_Covered(search_ideas_weighed(words_typed)))
    # (Also measured, and taken out: between profiles covering as much, the one whose single past project
    # covers most of the search first. It gained one point of hit@3 once common words weighed less, lost
    # three on the sixth blind set, and cost sentence searches 12 ms at the median; benchmarks/README.md.)
    return ranked.order_by(F("covered").desc(), F("rank").desc(), "pk")


class _Covered(Expression):
    """How much of a search a profile covers: the weights of the ideas (parsed query, weight) its search
    vector matches, added. One SQL expression with each idea's query and weight as parameters: written as a
    Django Case per idea, a sentence's dozen ideas were resolved and compiled node by node in each statement,
    some 10 ms of its page."""

    output_field = FloatField()

    def __init__(self, ideas: list[tuple[str, float]]):
        super().__init__()
        self.ideas, self.vector = ideas, F("search_vector")

    def get_source_expressions(self):
        return [self.vector]

    def set_source_expressions(self, exprs):
        (self.vector,) = exprs

    def as_sql(self, compiler, connection):
        vector_sql, vector_params = compiler.compile(self.vector)
        terms, params = ["0.0::float8"], []
        for query, weight in self.ideas:
            terms.append(f"CASE WHEN {vector_sql} @@ %s::tsquery THEN %s::float8 ELSE 0.0::float8 END")
            params += [*vector_params, query, weight]
        return "(" + " + ".join(terms) + ")", params


def among_candidates(
    ranked: QuerySet[SpecialistProfile], *, words_typed: str, least: int
) -> QuerySet[SpecialistProfile]:
    """A search ranked by words (_search_by_relevance), in two stages, for words thousands of profiles use:
    only the profiles among the best few for some word of the search (by SearchTerm's score, read from its
    index; STAGE_ONE: CANDIDATES shared among the words, at least `least` in all) are ranked, not every
    match. Reading a few hundred costs a few milliseconds where ranking 12,000 cost 50."""
    lexemes = search_lexemes(words_typed)
    words = max(len(lexemes), 1)
    each = math.ceil(max(CANDIDATES, least) / words)
    return ranked.filter(pk__in=RawSQL(STAGE_ONE, [lexemes, each]))


class _OneOf(Lookup):
    """`id = ANY(%s)` with the ids as one array: PostgreSQL fetches the few profiles it names by primary key
    (or, for a longer list, checks each candidate against it with a hash), instead of testing every
    profile."""

    lookup_name = "one_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def related_allowed(params: SearchParams) -> list[int] | None:
    """The profiles the skill and service area filters allow (holding the skill; naming the service area or
    with a past project in it), or None when neither is asked: one query, whose ids the search then gives
    PostgreSQL as a list. (As subqueries, each profile was checked against arrays of hundreds of ids one by
    one: a skill and a service area cost 15 ms in each of the count and the page; as a list, 2 ms.)"""
    parts: list[QuerySet] = []
    if params.skill:
        links = SpecialistProfile.skills.through.objects.filter(skill_id=params.skill)
        parts.append(links.values_list("specialistprofile_id"))
    if params.service_area:
        in_areas = SpecialistProfile.service_areas.through.objects.filter(servicearea__code=params.service_area)
        in_projects = PastProject.objects.filter(service_area__code=params.service_area)
        parts.append(in_areas.values_list("specialistprofile_id").union(in_projects.values_list("profile_id")))
    if not parts:
        return None
    compiled = [part.query.sql_with_params() for part in parts]
    sql = " INTERSECT ".join(f"({part_sql})" for part_sql, _ in compiled)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY({sql})", [p for _, part_params in compiled for p in part_params])
        (ids,) = cursor.fetchone()
    return ids


def _search_filter_related(
    profiles: QuerySet[SpecialistProfile], *, params: SearchParams, allowed: list[int] | None
) -> QuerySet[SpecialistProfile]:
    """The skill and service area filters, from the ids they allow (related_allowed)."""
    if allowed is None:
        return profiles
    if not allowed:
        return profiles.none()
    return profiles.filter(_OneOf(F("pk"), _id_array(allowed)))


def _id_array(ids: list[int]) -> RawSQL:
    """Ids as one array parameter, written as an array literal: adapting a list of thousands of ids one by
    one cost psycopg 1.6 ms in each of a page's queries."""
    return RawSQL("%s::bigint[]", ["{" + ",".join(map(str, ids)) + "}"], output_field=ArrayField(BigIntegerField()))


def _search_filter_columns(
    profiles: QuerySet[SpecialistProfile], *, params: SearchParams
) -> QuerySet[SpecialistProfile]:
    """The filters on the profile's and its council's own columns: LGDSS point, place, council, rate."""
    if params.lgdss:
        profiles = profiles.filter(lgdss_points__contains=[params.lgdss])
    if params.nation:
        profiles = profiles.filter(council__nation=params.nation)
    if params.region:
        profiles = profiles.filter(council__region=params.region)
    if params.council:
        profiles = profiles.filter(council__code=params.council)
    if params.max_rate is not None:
        profiles = profiles.filter(hourly_rate__lte=params.max_rate)
    return profiles


def _search_filter_weeks(
    profiles: QuerySet[SpecialistProfile], *, params: SearchParams, today: date, stored_current: bool
) -> QuerySet[SpecialistProfile]:
    """Only profiles offering a week (with the minimum of hours, if asked) in the week asked for, within the
    weeks asked for, or at all in the window when only a minimum of hours is asked; no filter when none of
    these is asked. Read from each profile's own open weeks (_FirstOpenWeek): no slot is read."""
    first, last = first_future_monday(today), window_end(today)
    if params.within_weeks:
        last = min(last, first + timedelta(weeks=params.within_weeks - 1))
    if params.week:
        if not first <= params.week <= last:
            return profiles.none()
        if not params.min_hours:  # containment is cheaper than reading the weeks one by one
            return profiles.filter(open_week_starts__contains=[params.week], approval_ends_on__gte=params.week)
        first = last = params.week
    elif not params.within_weeks and not params.min_hours:
        return profiles
    offered = _FirstOpenWeek(first=first, last=last, min_hours=params.min_hours, stored_current=stored_current)
    return profiles.alias(offered=offered).filter(offered__isnull=False)


@dataclass(frozen=True)
class ShownProject:
    """A past project a result lists because it matches: its title, the title with the matching words
    between markers (pool_tags.marked turns them into <mark>), and its year."""

    title: str
    title_marked: str | None
    year: int


class _ShownProjectsField(JSONField):
    """A result's matching projects, read as one JSON array with the profile, as ShownProjects."""

    def from_db_value(self, value, expression, connection):
        return [ShownProject(**item) for item in super().from_db_value(value, expression, connection) or []]


def _shown_projects(*, query: SearchQuery | None, service_area: int | None):
    """A profile's past projects matching the words (or, without words, in the service area), newest first,
    as one JSON array read with the profile: no query and no prefetch of their own."""
    projects = PastProject.objects.filter(profile=OuterRef("pk"))
    marked: SearchHeadline | Value
    if query is not None:
        projects = projects.filter(document=query)
        marked = SearchHeadline(
            "title", query, config="english", start_sel="\u27e6", stop_sel="\u27e7", highlight_all=True
        )
    elif service_area:
        projects = projects.filter(service_area__code=service_area)
        marked = Value(None, output_field=CharField())
    else:
        return Value([], output_field=_ShownProjectsField())
    shown = JSONBAgg(JSONObject(title="title", title_marked=marked, year="year"), order_by=("-year", "title"))
    listed = projects.order_by().values("profile").annotate(shown=shown).values("shown")
    return Coalesce(Subquery(listed), Value([], output_field=JSONField()), output_field=_ShownProjectsField())


def _for_display(profiles: QuerySet[SpecialistProfile], *, params: SearchParams, today: date):
    """What a result shows: council, the past projects matching the words or service area, the next few
    open weeks, all in the one query of the profiles."""
    query = search_any(params.q)
    first, last = first_future_monday(today), window_end(today)
    return profiles.annotate(
        matching_projects=_shown_projects(query=query, service_area=params.service_area),
        shown_weeks=_ShownOpenWeeks(first=first, last=last, min_hours=params.min_hours, part="w"),
        shown_hours=_ShownOpenWeeks(first=first, last=last, min_hours=params.min_hours, part="h"),
    )


# What a result shows (templates/talentpool/search.html): a page reads these columns only, not the profile's
# search vector or the user's and council's other columns (parsing them was a third of the page's Python
# time). Its open weeks are read by _ShownOpenWeeks.
RESULT_SHOWS = (
    "id",
    "headline",
    "hourly_rate",
    "hourly_rate_currency",
    "user__id",
    "user__full_name",
    "council__id",
    "council__short_name",
)

COUNT_CAP = 1000  # beyond this the page says "more than 1,000" instead of counting every match


# A search by words that a skill or service area bounds to no more of the profiles than this has every match
# ranked, however many there are: the count reads their ids and a page ranks those (2,447 profiles holding
# a skill, 1,368 of them matching "data warehouse": the page's ranking 13.5 ms in two stages, 5.6 ms so).
RANK_ALL_BOUND = 3000

CANDIDATES = 400  # for the two-stage ranking of a search more than COUNT_CAP profiles match, shared among its words


class SearchPaginator(Paginator):
    """Pages through the ranked ids; a page's profiles are then fetched, joined and prefetched by id. The
    count stops at COUNT_CAP + 1 (a LIMIT without the ranking), so a common word costs no full count. When
    more than COUNT_CAP match a search by words, a page is ranked in two stages (_search_by_relevance), with
    enough candidates for the page asked for; should the filters leave too few, every match is ranked."""

    object_list: QuerySet[SpecialistProfile, int]

    def __init__(self, *, viewer: User, params: SearchParams, today: date | None = None, per_page: int = PAGE_SIZE):
        self.viewer, self.params, self.today = viewer, params, today or timezone.localdate()
        by_words = params.by_relevance and search_has_ideas(params.q)
        self.stored = _reads_weeks(params) and _stored_weeks_current(today=self.today)
        self.related_ids = related_allowed(params)
        self.ranked = specialist_search_ranked(
            viewer=viewer,
            params=params,
            today=self.today,
            stored_weeks_current=self.stored,
            related_ids=self.related_ids,
        )
        self.by_words = bool(by_words)
        self.reads_every_match = not by_words and not sorted_from_an_index(
            params=params, stored_weeks_current=self.stored
        )
        # every match of a search by words, when there are COUNT_CAP or fewer, or a skill or service area
        # bounds them (RANK_ALL_BOUND)
        self.match_ids: list[int] | None = None
        super().__init__(self.ranked.values_list("pk", flat=True), per_page)

    # reads_every_match: ordering reads every match anyway (by a soonest week worked out per profile), so
    # one query gives the page and the count (`_page_and_count`). A search whose order is read from an
    # index is counted apart (a count stopping at COUNT_CAP + 1, then the page's twenty); one ranked by
    # words is counted first, to know whether to rank in two stages: its matches' ids are read (up to
    # COUNT_CAP + 1, or all of them when a skill or service area bounds them), so that when there are no
    # more than COUNT_CAP, or they are bounded, a page ranks those ids alone, with none of the search's
    # filters, joins or word index to go through again.

    def _page_and_count(self, number) -> list[int] | None:
        """The page's ids, counting every match in the same query (COUNT(*) OVER (), before the LIMIT), or
        None when the page asked for is not a plain page number within the results."""
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            return None
        bottom = (wanted - 1) * self.per_page
        if wanted < 1 or bottom >= COUNT_CAP:
            return None
        top = min(bottom + self.per_page, COUNT_CAP)
        rows = list(self.ranked.annotate(total=Window(Count("pk"))).values_list("pk", "total")[bottom:top])
        if not rows:
            return None
        self.__dict__["matches"] = rows[0][1]  # the cached_property below, filled without its own query
        return [pk for pk, _total in rows]

    @cached_property
    def matches(self) -> int:
        """How many match, counted up to COUNT_CAP + 1; for a search by words, their ids are read (every one
        when a skill or service area bounds them to RANK_ALL_BOUND profiles), for its page to rank."""
        if self.by_words:
            bounded = self.related_ids is not None and len(self.related_ids) <= RANK_ALL_BOUND
            ids = list(self.object_list.order_by() if bounded else self.object_list.order_by()[: COUNT_CAP + 1])
            self.match_ids = ids if bounded or len(ids) <= COUNT_CAP else None
            return len(ids)
        return self.object_list.order_by()[: COUNT_CAP + 1].count()  # SELECT COUNT(*) over a LIMIT

    @cached_property
    def count(self) -> int:
        return min(self.matches, COUNT_CAP)  # pages reach the best COUNT_CAP, as the page says

    @property
    def more_than_cap(self) -> bool:
        return self.matches > COUNT_CAP

    def _ids(self, bottom: int, top: int) -> list[int]:
        if self.by_words and self.match_ids is not None:
            among = SpecialistProfile.objects.filter(_OneOf(F("pk"), _id_array(self.match_ids)))
            ranked = _search_by_relevance(among, words_typed=self.params.q, matching=True)
            return list(ranked.values_list("pk", flat=True)[bottom:top])
        if self.more_than_cap and self.by_words:
            two_stage = among_candidates(self.ranked, words_typed=self.params.q, least=2 * top)
            ids = list(two_stage.values_list("pk", flat=True)[bottom:top])
            if len(ids) == top - bottom:
                return ids
        return list(self.object_list[bottom:top])

    def get_page(self, number):
        """As Paginator.get_page (what is not a page number gives the first page; a page past the end, the
        last), but when one query can give the page and the count, without a count of its own first."""
        if self.reads_every_match and "matches" not in self.__dict__:
            try:
                wanted = int(number)
            except (TypeError, ValueError):
                wanted = 1
            try:
                return self.page(wanted)
            except InvalidPage:
                pass  # then counted, as any search is
        return super().get_page(number)

    def page(self, number):
        ids = self._page_and_count(number) if self.reads_every_match and "matches" not in self.__dict__ else None
        number = self.validate_number(number)
        if ids is None:
            bottom = (number - 1) * self.per_page
            top = min(bottom + self.per_page, self.count)
            ids = self._ids(bottom, top)
        shown = (
            SpecialistProfile.objects.filter(pk__in=ids)
            .select_related("user", "council")
            .only(*RESULT_SHOWS)
            .order_by()  # put in the ranking's order below
        )
        by_id = {p.pk: p for p in _for_display(shown, params=self.params, today=self.today)}
        return Page([by_id[pk] for pk in ids if pk in by_id], number, self)


def profile_detail(*, pk: int) -> SpecialistProfile | None:
    return (
        SpecialistProfile.objects.select_related("user", "council", "approved_by")
        .prefetch_related(
            "skills",
            "service_areas",
            Prefetch("past_projects", queryset=PastProject.objects.select_related("service_area", "verified_by")),
        )
        .filter(pk=pk)
        .first()
    )


def profile_detail_of_user(*, user: User) -> SpecialistProfile | None:
    profile = SpecialistProfile.objects.filter(user=user).values_list("pk", flat=True).first()
    return profile_detail(pk=profile) if profile else None


def profile_read_with_listing(*, pk: int, today: date | None = None) -> tuple[SpecialistProfile | None, bool]:
    """A profile with its user and council, and whether it is listed (profile_is_listed), in one query."""
    today = today or timezone.localdate()
    profile = SpecialistProfile.objects.select_related("user", "council").filter(pk=pk).first()
    return profile, bool(profile and profile_listed_as_read(profile=profile, today=today))


def profile_is_listed(*, profile: SpecialistProfile, today: date | None = None) -> bool:
    """Whether the profile is listed now, read afresh (its standing kept by the database, and its date)."""
    today = today or timezone.localdate()
    return SpecialistProfile.objects.filter(profile_listed_standing_filter(today=today), pk=profile.pk).exists()


def profile_listed_as_read(*, profile: SpecialistProfile, today: date) -> bool:
    """Whether `profile`, as just read from the database (its listed_standing is the database's), is listed:
    for a row read under lock, no second query."""
    return profile.listed_standing and profile.approval_ends_on is not None and profile.approval_ends_on >= today


@dataclass
class WeekRow:
    week_start: date
    slot: WeekSlot | None

    @property
    def state(self) -> str:
        return SlotStatus(self.slot.status).label if self.slot else "Not offered"


def week_grid(*, profile: SpecialistProfile, weeks: int = WINDOW_WEEKS, today: date | None = None) -> list[WeekRow]:
    """The next `weeks` weeks, each with its slot (or none)."""
    today = today or timezone.localdate()
    first = first_future_monday(today)
    last = first + timedelta(weeks=weeks - 1)
    slots = {s.week_start: s for s in profile.slots.filter(week_start__gte=first, week_start__lte=last)}
    return [WeekRow(week, slots.get(week)) for week in mondays(first, last)]


def profiles_for_approver(*, approver: User) -> QuerySet[SpecialistProfile]:
    """The approver's council's profiles, waiting ones first."""
    assert approver.council_id is not None  # an approver belongs to a council
    return (
        SpecialistProfile.objects.filter(council_id=approver.council_id)
        .exclude(status=ProfileStatus.DRAFT)
        .select_related("user")
        .annotate(waiting=Case(When(status=ProfileStatus.SUBMITTED, then=0), default=1))
        .order_by("waiting", "user__full_name")
    )


def profiles_of_council(*, council_id: int) -> QuerySet[SpecialistProfile]:
    return SpecialistProfile.objects.filter(council_id=council_id).select_related("user", "rate_set_by")
