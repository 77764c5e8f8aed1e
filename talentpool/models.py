"""The pool: specialist profiles, skills, service areas, past projects, employer approval and week slots."""

import secrets
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from djmoney.models.fields import MoneyField

from audit.transitions import Moves
from councils.models import CouncilStatus, MembershipStatus, Role


def calendar_token_new() -> str:
    return secrets.token_urlsafe(32)


class Skill(models.Model):
    """A skill: the shared controlled list, plus specialists' own tags. `key` makes "User research" and
    "user research" one skill."""

    name = models.CharField(max_length=60)
    key = models.CharField(max_length=60, unique=True)
    controlled = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    """A Local Government Service List (LGSL) service."""

    code = models.PositiveIntegerField("LGSL code", unique=True)
    description = models.CharField(max_length=200)
    tier = models.CharField(max_length=30)
    group = models.CharField(max_length=60, blank=True)  # reference.service_group: to find it in a long list

    class Meta:
        ordering = ["description"]

    def __str__(self) -> str:
        return self.description


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for approval"
    APPROVED = "approved", "Approved"
    RETURNED = "returned", "Returned for changes"
    WITHDRAWN = "withdrawn", "Permission withdrawn"
    EXPIRED = "expired", "Approval ended"


# The employer permission's moves (services: talentpool.services.profile_machine; the database: the FSM
# trigger in Meta). A waiting, returned or expired profile is withdrawn only when its specialist's details
# are erased; approved -> approved is a change of cap or end date.
PROFILE_MOVES = Moves.of(
    "status",
    {
        ProfileStatus.DRAFT: {ProfileStatus.SUBMITTED},
        ProfileStatus.SUBMITTED: {ProfileStatus.APPROVED, ProfileStatus.RETURNED, ProfileStatus.WITHDRAWN},
        ProfileStatus.RETURNED: {ProfileStatus.SUBMITTED, ProfileStatus.WITHDRAWN},
        ProfileStatus.APPROVED: {ProfileStatus.APPROVED, ProfileStatus.WITHDRAWN, ProfileStatus.EXPIRED},
        ProfileStatus.WITHDRAWN: {ProfileStatus.SUBMITTED},
        ProfileStatus.EXPIRED: {ProfileStatus.SUBMITTED, ProfileStatus.WITHDRAWN},
    },
)


def _search_terms_trigger(operation: pgtrigger.Operation, changed: str, **referencing: str):
    """Keep SearchTerm right however search vectors are written (a service, the bulk SQL of the benchmark
    data): once per statement, for the profiles whose vector changed (`changed`: their id and vector)."""
    weight = "CASE w WHEN 'A' THEN 1.0 WHEN 'B' THEN 0.4 WHEN 'C' THEN 0.2 ELSE 0.1 END"
    return _after_each_statement(
        f"profile_{str(operation).lower()}_search_terms",
        operation,
        referencing,
        f"""
            DELETE FROM talentpool_searchterm t USING ({changed}) AS c WHERE t.profile_id = c.id;
            INSERT INTO talentpool_searchterm (profile_id, lexeme, score)
            SELECT c.id, u.lexeme, (SELECT sum({weight}) FROM unnest(u.weights) AS w)
              FROM ({changed}) AS c, unnest(c.search_vector) AS u
             WHERE c.search_vector IS NOT NULL;
            RETURN NULL;
        """,
    )


def _after_each_statement(name: str, operation: pgtrigger.Operation, referencing: dict, func: str):
    """A django-pgtrigger trigger run once after each statement, seeing the rows it changed."""
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=pgtrigger.Referencing(**referencing),
        func=func,
    )


# SpecialistProfile.listed_standing, worked out by the database (migration 0019 creates these functions and
# the triggers on the councils' tables from this string). The rule is the one profile_listed_filter states
# in Python; tests/talentpool/test_listed_standing.py holds the two to the same answer after every change.
LISTED_STANDING_SQL = f"""
CREATE OR REPLACE FUNCTION talentpool_listed_standing(profile_status text, profile_user bigint, profile_council bigint)
RETURNS boolean AS $$
    SELECT profile_status = '{ProfileStatus.APPROVED.value}'
       AND EXISTS (SELECT FROM councils_user u WHERE u.id = profile_user AND u.is_active
                   AND u.membership_status = '{MembershipStatus.ACTIVE.value}'
                   AND u.roles @> ARRAY['{Role.SPECIALIST.value}']::varchar(20)[])
       AND EXISTS (SELECT FROM councils_council c
                    WHERE c.id = profile_council AND c.status = '{CouncilStatus.ACTIVE.value}')
       AND EXISTS (SELECT FROM councils_agreementacceptance a
                    WHERE a.council_id = profile_council
                      AND a.agreement_id = (SELECT id FROM councils_platformagreement ORDER BY version DESC LIMIT 1));
$$ LANGUAGE sql STABLE;

-- Every profile named is written, changed or not: a profile another transaction is changing (approved, say)
-- is then waited for and worked out again from its committed row, never skipped on a stale reading.
CREATE OR REPLACE FUNCTION talentpool_listed_standing_refresh(profile_ids bigint[]) RETURNS void AS $$
    UPDATE talentpool_specialistprofile AS p
       SET listed_standing = talentpool_listed_standing(p.status, p.user_id, p.council_id)
     WHERE p.id = ANY(profile_ids);
$$ LANGUAGE sql;

-- A member's activity, membership or roles changed (not each sign-in's last_login).
CREATE OR REPLACE FUNCTION talentpool_listed_standing_users() RETURNS trigger AS $$
BEGIN
    PERFORM talentpool_listed_standing_refresh(ARRAY(
        SELECT p.id FROM talentpool_specialistprofile p
          JOIN new_rows n ON n.id = p.user_id JOIN old_rows o ON o.id = n.id
         WHERE n.is_active IS DISTINCT FROM o.is_active OR n.membership_status IS DISTINCT FROM o.membership_status
            OR n.roles IS DISTINCT FROM o.roles));
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A council's status changed.
CREATE OR REPLACE FUNCTION talentpool_listed_standing_councils() RETURNS trigger AS $$
BEGIN
    PERFORM talentpool_listed_standing_refresh(ARRAY(
        SELECT p.id FROM talentpool_specialistprofile p
          JOIN new_rows n ON n.id = p.council_id JOIN old_rows o ON o.id = n.id
         WHERE n.status IS DISTINCT FROM o.status));
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A council accepted an agreement (or an acceptance went): its profiles.
CREATE OR REPLACE FUNCTION talentpool_listed_standing_acceptance() RETURNS trigger AS $$
BEGIN
    PERFORM talentpool_listed_standing_refresh(ARRAY(
        SELECT p.id FROM talentpool_specialistprofile p
         WHERE p.council_id IN (SELECT council_id FROM changed_rows)));
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- A new version of the agreement (or one changed or removed): every profile, as every council must accept it.
CREATE OR REPLACE FUNCTION talentpool_listed_standing_agreements() RETURNS trigger AS $$
BEGIN
    PERFORM talentpool_listed_standing_refresh(ARRAY(SELECT id FROM talentpool_specialistprofile));
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

# The triggers on the councils' tables, once per statement: the councils app knows nothing of the pool.
LISTED_STANDING_TRIGGERS_SQL = """
CREATE TRIGGER talentpool_listed_standing_users AFTER UPDATE ON councils_user
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION talentpool_listed_standing_users();
CREATE TRIGGER talentpool_listed_standing_councils AFTER UPDATE ON councils_council
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION talentpool_listed_standing_councils();
CREATE TRIGGER talentpool_listed_standing_acceptance_insert AFTER INSERT ON councils_agreementacceptance
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION talentpool_listed_standing_acceptance();
CREATE TRIGGER talentpool_listed_standing_acceptance_delete AFTER DELETE ON councils_agreementacceptance
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION talentpool_listed_standing_acceptance();
CREATE TRIGGER talentpool_listed_standing_agreements AFTER INSERT OR UPDATE OR DELETE ON councils_platformagreement
    FOR EACH STATEMENT EXECUTE FUNCTION talentpool_listed_standing_agreements();
"""
LISTED_STANDING_TRIGGERS_DROP_SQL = """
DROP TRIGGER IF EXISTS talentpool_listed_standing_users ON councils_user;
DROP TRIGGER IF EXISTS talentpool_listed_standing_councils ON councils_council;
DROP TRIGGER IF EXISTS talentpool_listed_standing_acceptance_insert ON councils_agreementacceptance;
DROP TRIGGER IF EXISTS talentpool_listed_standing_acceptance_delete ON councils_agreementacceptance;
DROP TRIGGER IF EXISTS talentpool_listed_standing_agreements ON councils_platformagreement;
DROP FUNCTION IF EXISTS talentpool_listed_standing_users(), talentpool_listed_standing_councils(),
    talentpool_listed_standing_acceptance(), talentpool_listed_standing_agreements(),
    talentpool_listed_standing_refresh(bigint[]), talentpool_listed_standing(text, bigint, bigint);
"""

# An acceptance changed in place (moved to another version or council): both councils' profiles. Added by
# migration 0020 with the refresh written without its skip of unchanged rows.
LISTED_STANDING_ACCEPTANCE_UPDATE_SQL = """
CREATE OR REPLACE FUNCTION talentpool_listed_standing_acceptance_update() RETURNS trigger AS $$
BEGIN
    PERFORM talentpool_listed_standing_refresh(ARRAY(
        SELECT p.id FROM talentpool_specialistprofile p
         WHERE p.council_id IN (SELECT council_id FROM new_rows UNION SELECT council_id FROM old_rows)));
    RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS talentpool_listed_standing_acceptance_update ON councils_agreementacceptance;
CREATE TRIGGER talentpool_listed_standing_acceptance_update AFTER UPDATE ON councils_agreementacceptance
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION talentpool_listed_standing_acceptance_update();
"""
LISTED_STANDING_ACCEPTANCE_UPDATE_DROP_SQL = """
DROP TRIGGER IF EXISTS talentpool_listed_standing_acceptance_update ON councils_agreementacceptance;
DROP FUNCTION IF EXISTS talentpool_listed_standing_acceptance_update();
"""

# A profile inserted, or its status, user or council changed: its standing worked out before the row is
# written (COPY and bulk statements included).
LISTED_STANDING_TRIGGER = pgtrigger.Trigger(
    name="profile_listed_standing",
    level=pgtrigger.Row,
    when=pgtrigger.Before,
    operation=pgtrigger.Insert | pgtrigger.UpdateOf("status", "user_id", "council_id"),
    func="NEW.listed_standing := talentpool_listed_standing(NEW.status, NEW.user_id, NEW.council_id); RETURN NEW;",
)


SEARCH_TERM_TRIGGERS = [
    _search_terms_trigger(
        pgtrigger.Insert, "SELECT id, search_vector FROM new_rows WHERE search_vector IS NOT NULL", new="new_rows"
    ),
    _search_terms_trigger(
        pgtrigger.Update,
        "SELECT n.id, n.search_vector FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE n.search_vector IS DISTINCT FROM o.search_vector",
        old="old_rows",
        new="new_rows",
    ),
]


class SpecialistProfile(models.Model):
    """What a specialist offers, and their employer's permission to offer it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="profile")
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="profiles")
    headline = models.CharField(max_length=120)
    summary = models.TextField(max_length=3000)
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles")
    service_areas = models.ManyToManyField(ServiceArea, blank=True, related_name="profiles")
    lgdss_points = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    contracted_hours = models.DecimalField(
        "contracted hours per week", max_digits=4, decimal_places=1, default=Decimal("37.0")
    )
    working_time_opt_out = models.BooleanField(default=False)
    # Set by the home council's finance officer or administrator, never by the specialist.
    hourly_rate = MoneyField(max_digits=8, decimal_places=2, default_currency="GBP", null=True, blank=True)
    rate_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT)
    weekly_cap = models.DecimalField("weekly hour cap", max_digits=4, decimal_places=1, null=True, blank=True)
    approval_ends_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(blank=True)
    approval_reminder_sent_for = models.DateField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    # The first open week from the current week on, kept by database triggers on the week slots
    # (migration 0004) so the search can sort by soonest availability without a subquery per profile.
    # It may lag behind the calendar (a week passing changes nothing in the table); the search then
    # falls back to reading the slots, and the nightly slots_extend refreshes it.
    next_open_week = models.DateField(null=True, editable=False)
    # Every open week from the current week on, and its hours, kept by the same triggers: the search's
    # week, hours and soonest read them instead of the slots (a week passing only makes some of them past,
    # which the search never asks about).
    open_week_starts = ArrayField(models.DateField(), default=list, blank=True, editable=False)
    open_week_hours = ArrayField(  # the hours offered in each of those weeks, in the same order
        models.DecimalField(max_digits=4, decimal_places=1), default=list, blank=True, editable=False
    )
    # The stored next open week when it is within the employer's permission (else none: every open week is
    # later still), computed by PostgreSQL on every write: the search sorts by it from an index
    # (profile_soonest_idx), reading twenty profiles instead of ordering every match.
    bookable_week = models.GeneratedField(
        expression=Case(When(next_open_week__lte=F("approval_ends_on"), then=F("next_open_week"))),
        output_field=models.DateField(),
        db_persist=True,
    )
    # The hours offered in that week: a search with a minimum of hours reads these two columns, and each
    # profile's open weeks only when its first week offers too few (talentpool.selectors._FirstOpenWeek).
    bookable_hours = models.GeneratedField(
        expression=Case(When(next_open_week__lte=F("approval_ends_on"), then=F("open_week_hours__0"))),
        output_field=models.DecimalField(max_digits=4, decimal_places=1),
        db_persist=True,
    )
    # The listing rule apart from its date (talentpool.selectors.profile_listed_filter: approved; the
    # specialist an active member with the specialist role; the council active and on the current
    # agreement), kept by database triggers on the profile, its user, its council, the council's acceptances
    # and the agreements (LISTED_STANDING_SQL), so the search filters one column instead of joining three
    # tables for every match.
    listed_standing = models.BooleanField(default=False, editable=False)
    # The secret in the specialist's private calendar feed address; resetting it breaks the old address.
    calendar_token = models.CharField(max_length=64, unique=True, default=calendar_token_new, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = models.Manager()  # declared: django-money subclasses it at run time, out of mypy's sight

    class Meta:
        ordering = ["user__full_name"]
        indexes = [
            # Written straight into the index (no pending list): every search reads this index, and a pending
            # list, kept until a vacuum, is scanned whole by each of them (306 pages after the national data
            # set's generation: a sentence's matches 9.4 ms, 4.6 ms once merged). Profiles change seldom.
            GinIndex(fields=["search_vector"], name="profile_search_gin", fastupdate=False),
            models.Index(fields=["status", "approval_ends_on"], name="profile_listing_idx"),
            # the search's two orders, walked until a page is found (talentpool.selectors.SORTS)
            models.Index(fields=["bookable_week", "hourly_rate", "id"], name="profile_soonest_idx"),
            models.Index(fields=["hourly_rate", "id"], name="profile_rate_idx"),
        ]
        triggers = [PROFILE_MOVES.trigger("profile_status_moves"), *SEARCH_TERM_TRIGGERS, LISTED_STANDING_TRIGGER]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProfileStatus.values), name="profile_status_valid"),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | Q(weekly_cap__isnull=False, approval_ends_on__isnull=False, approved_at__isnull=False),
                name="profile_approved_has_cap_and_end",
            ),
            models.CheckConstraint(
                condition=Q(weekly_cap__isnull=True) | Q(weekly_cap__gte=Decimal("0.5"), weekly_cap__lte=48),
                name="profile_cap_range",
            ),
            models.CheckConstraint(
                condition=Q(contracted_hours__gte=0, contracted_hours__lte=60),
                name="profile_contracted_range",
            ),
            models.CheckConstraint(
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gt=0), name="profile_rate_positive"
            ),
            models.CheckConstraint(
                condition=Q(lgdss_points__contained_by=list(range(1, 16))), name="profile_lgdss_points_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.full_name}: {self.headline}"

    # Written only by the database's triggers on the week slots: a save() from an instance read before the
    # slots changed must not put back what it read.
    KEPT_BY_DATABASE = frozenset(
        {"next_open_week", "open_week_starts", "open_week_hours", "bookable_week", "bookable_hours", "listed_standing"}
    )

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            skipped = self.KEPT_BY_DATABASE | self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.attname not in skipped
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("talentpool:profile", kwargs={"pk": self.pk})

    @property
    def can_submit(self) -> bool:
        return PROFILE_MOVES.can(self.status, ProfileStatus.SUBMITTED)

    @property
    def can_approve(self) -> bool:
        """Approve a waiting profile, or change an approved one's cap and end date."""
        return PROFILE_MOVES.can(self.status, ProfileStatus.APPROVED)

    @property
    def can_return(self) -> bool:
        return PROFILE_MOVES.can(self.status, ProfileStatus.RETURNED)

    @property
    def can_withdraw(self) -> bool:
        """An approver withdraws permission from an approved profile (erasure withdraws any)."""
        return self.status == ProfileStatus.APPROVED

    @property
    def is_approved(self) -> bool:
        return self.status == ProfileStatus.APPROVED

    @property
    def is_listed(self) -> bool:
        return (
            self.status == ProfileStatus.APPROVED
            and self.approval_ends_on is not None
            and self.approval_ends_on >= timezone.localdate()
        )


class ProfileStatusChange(models.Model):
    """Audit of the employer permission: who moved a profile, from what, to what, when and why."""

    profile = models.ForeignKey(SpecialistProfile, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ProfileStatus.choices)
    to_status = models.CharField(max_length=10, choices=ProfileStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.from_status} → {self.to_status}"


class PastProject(models.Model):
    """ "I have done this before": the heart of search."""

    profile = models.ForeignKey(SpecialistProfile, on_delete=models.CASCADE, related_name="past_projects")
    title = models.CharField(max_length=150)
    problem = models.TextField("what the problem was", max_length=2000)
    what_i_did = models.TextField("what they did", max_length=2000)
    outcome = models.TextField(max_length=2000)
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.SET_NULL)
    year = models.PositiveSmallIntegerField()
    link = models.URLField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # Its words, kept by PostgreSQL: a search result shows the past projects that match it (to_tsvector on
    # the page's ~60 projects was about 5 ms of every search page).
    document = models.GeneratedField(
        expression=SearchVector("title", "problem", "what_i_did", "outcome", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="past_project_year_range"),
        ]

    def __str__(self) -> str:
        return self.title


class AvailabilityPattern(models.Model):
    """ "3 hours a week from … until …, except these weeks": materialised into week slots."""

    profile = models.OneToOneField(SpecialistProfile, on_delete=models.CASCADE, related_name="pattern")
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    skip_weeks = ArrayField(models.DateField(), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="pattern_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(hours__gte=Decimal("0.5"), hours__lte=48), name="pattern_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.hours} hours a week from {self.starts_on}"


class SlotStatus(models.TextChoices):
    OPEN = "open", "Open"
    HELD = "held", "Held"
    BOOKED = "booked", "Booked"
    WITHDRAWN = "withdrawn", "Withdrawn"


# "The first week not yet started" (weeks.first_future_monday) and "the first open week from it" for the
# database, from the same constants as the Python: the SQL functions are (re)created by migration 0008
# from these strings, and the statement-level triggers on WeekSlot below call them.
FIRST_FUTURE_MONDAY_SQL = f"""
CREATE OR REPLACE FUNCTION talentpool_first_future_monday() RETURNS date AS $$
    SELECT date_trunc('week', now() AT TIME ZONE '{settings.TIME_ZONE}')::date + 7;
$$ LANGUAGE sql STABLE;
"""
NEXT_OPEN_WEEK_REFRESH_SQL = f"""
CREATE OR REPLACE FUNCTION talentpool_next_open_week_refresh(profile_ids bigint[]) RETURNS void AS $$
    UPDATE talentpool_specialistprofile AS p
       SET next_open_week = fresh.weeks[1], open_week_starts = fresh.weeks, open_week_hours = fresh.hours
      FROM (
            SELECT ids.id, coalesce(o.weeks, '{{}}') AS weeks, coalesce(o.hours, '{{}}') AS hours
              FROM unnest(profile_ids) AS ids(id)
              LEFT JOIN LATERAL (
                   SELECT array_agg(s.week_start ORDER BY s.week_start) AS weeks,
                          array_agg(s.hours ORDER BY s.week_start) AS hours
                     FROM talentpool_weekslot s
                    WHERE s.profile_id = ids.id AND s.status = '{SlotStatus.OPEN.value}'
                      AND s.week_start >= talentpool_first_future_monday()
                   ) AS o ON TRUE
           ) AS fresh
     WHERE p.id = fresh.id
       AND (p.next_open_week IS DISTINCT FROM fresh.weeks[1] OR p.open_week_starts IS DISTINCT FROM fresh.weeks
            OR p.open_week_hours IS DISTINCT FROM fresh.hours);
$$ LANGUAGE sql;
"""


def _next_open_week_trigger(operation: pgtrigger.Operation, changed_profiles: str, **referencing: str):
    """Keep SpecialistProfile.next_open_week right however slots change (a service, a bulk UPDATE, COPY):
    once per statement, for the profiles whose slots changed."""
    return _after_each_statement(
        f"slot_{str(operation).lower()}_next_open_week",
        operation,
        referencing,
        f"PERFORM talentpool_next_open_week_refresh(ARRAY({changed_profiles})); RETURN NULL;",
    )


NEXT_OPEN_WEEK_TRIGGERS = [
    _next_open_week_trigger(pgtrigger.Insert, "SELECT DISTINCT profile_id FROM new_rows", new="new_rows"),
    _next_open_week_trigger(pgtrigger.Delete, "SELECT DISTINCT profile_id FROM old_rows", old="old_rows"),
    # Only rows whose status, week, hours or profile changed: a slot moving between held and booked locks
    # nothing. (Hours were left out until 2026-11-30: a week's new hours did not reach open_week_hours.)
    _next_open_week_trigger(
        pgtrigger.Update,
        "SELECT DISTINCT n.profile_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE n.status IS DISTINCT FROM o.status OR n.week_start IS DISTINCT FROM o.week_start "
        "OR n.hours IS DISTINCT FROM o.hours OR n.profile_id IS DISTINCT FROM o.profile_id "
        "UNION SELECT o.profile_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
        "WHERE n.profile_id IS DISTINCT FROM o.profile_id",
        old="old_rows",
        new="new_rows",
    ),
]


# A week slot's moves (talentpool.services.slot_machine for the specialist's own changes; bookings holds,
# books and releases slots through the same machine). A released week still to come opens again; one
# already started is withdrawn.
SLOT_MOVES = Moves.of(
    "status",
    {
        SlotStatus.OPEN: {SlotStatus.HELD, SlotStatus.WITHDRAWN},
        SlotStatus.HELD: {SlotStatus.BOOKED, SlotStatus.OPEN, SlotStatus.WITHDRAWN},
        SlotStatus.BOOKED: {SlotStatus.OPEN, SlotStatus.WITHDRAWN},
        SlotStatus.WITHDRAWN: {SlotStatus.OPEN},
    },
)


class WeekSlot(models.Model):
    """One specialist's offered hours in one ISO week (week_start is that week's Monday)."""

    profile = models.ForeignKey(SpecialistProfile, on_delete=models.CASCADE, related_name="slots")
    week_start = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    status = models.CharField(max_length=10, choices=SlotStatus.choices, default=SlotStatus.OPEN)
    from_pattern = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["week_start"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "week_start"], name="slot_one_per_week"),
            # Django's week_day: 1 is Sunday, 2 is Monday.
            models.CheckConstraint(condition=Q(week_start__week_day=2), name="slot_week_starts_monday"),
            models.CheckConstraint(condition=Q(hours__gte=Decimal("0.5"), hours__lte=48), name="slot_hours_range"),
            models.CheckConstraint(
                condition=Exact(Mod(F("hours") * 2, Value(1)), Value(0)), name="slot_hours_in_half_hours"
            ),
            models.CheckConstraint(condition=Q(status__in=SlotStatus.values), name="slot_status_valid"),
        ]
        indexes = [models.Index(fields=["week_start", "status"], name="slot_week_status_idx")]
        triggers = [SLOT_MOVES.trigger("slot_status_moves"), *NEXT_OPEN_WEEK_TRIGGERS]

    def __str__(self) -> str:
        return f"{self.profile_id} week of {self.week_start}: {self.hours}h {self.status}"

    @property
    def can_request(self) -> bool:
        """An officer may ask to book it (the week's own dates are checked by the booking service)."""
        return SLOT_MOVES.can(self.status, SlotStatus.HELD)

    @property
    def can_withdraw(self) -> bool:
        return SLOT_MOVES.can(self.status, SlotStatus.WITHDRAWN) and self.status == SlotStatus.OPEN

    @property
    def can_change(self) -> bool:
        """The specialist may change its hours or withdraw it: not while a booking holds or books it."""
        return self.status in (SlotStatus.OPEN, SlotStatus.WITHDRAWN)


class SearchVocabulary(models.Model):
    """One idea officers search for in several words: "ASB", "anti-social behaviour" and "nuisance
    neighbours". A search naming any phrase finds profiles written with any other. Seeded from
    talentpool/data/vocabulary.txt; platform staff keep it in the admin."""

    phrases = ArrayField(
        models.CharField(max_length=80),
        help_text="Phrases that mean the same, separated by commas, kept in lower case. Write an abbreviation that is"
        " also an everyday word in capitals (SEND): it then names this idea only when a search has it in"
        " capitals.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["phrases"]
        verbose_name = "search vocabulary entry"
        verbose_name_plural = "search vocabulary"
        constraints = [
            models.CheckConstraint(condition=Q(phrases__len__gte=2), name="vocabulary_two_phrases_or_more"),
        ]

    def __str__(self) -> str:
        return " | ".join(self.phrases)


class SearchWithoutResults(models.Model):
    """A search that found nobody: its words and filters, never who searched (for the insight pages)."""

    words = models.CharField(max_length=200, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "searches without results"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.words!r}"


class SearchTerm(models.Model):
    """One word (a stemmed lexeme) of a profile's search vector, with how much it counts there: the sum over
    its occurrences of 1.0 in a headline, skill or past-project title, 0.4 in a problem, 0.2 in the summary,
    0.1 elsewhere (ts_rank's weights). Kept by database triggers on the profile's search vector. A search
    for a word thousands of profiles use reads its best few hundred from the index on (lexeme, score) and
    ranks only those (talentpool.selectors: two-stage ranking)."""

    profile = models.ForeignKey(SpecialistProfile, on_delete=models.CASCADE, related_name="+")
    lexeme = models.TextField()
    score = models.FloatField()

    class Meta:
        indexes = [models.Index(F("lexeme"), F("score").desc(), F("profile"), name="search_term_best_idx")]
        constraints = [models.UniqueConstraint(fields=["profile", "lexeme"], name="search_term_once")]

    def __str__(self) -> str:
        return self.lexeme


class SearchWord(models.Model):
    """A word some profile uses (four letters or more, lower case): what a search's words are checked
    against for typos ("Did you mean"), by trigram similarity where PostgreSQL has pg_trgm."""

    word = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
