"""A realistic national data set for the benchmark: every council active, ~20,000 listed specialists with
skills, service areas and past projects, 26 open weeks each, and a year of booked, worked and confirmed
weeks. Small tables go through bulk_create, big ones through PostgreSQL COPY with ids assigned here."""

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pgtrigger
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from bookings.models import Booking, BookingWeek, Timesheet
from councils.models import AgreementAcceptance, Council, CouncilStatus, Role, User
from councils.register import council_register_import
from councils.selectors import agreement_current
from councils.services import council_machine
from talentpool.models import PastProject, ServiceArea, Skill, SpecialistProfile, WeekSlot
from talentpool.services import search_vectors_write, search_words_rebuild
from talentpool.weeks import first_future_monday

PASSWORD = "bench-pass-2026"
VERBS = [
    "Redesigned",
    "Rebuilt",
    "Moved online",
    "Simplified",
    "Automated",
    "Brought in-house",
    "Procured",
    "Reviewed",
    "Consolidated",
    "Migrated",
    "Replaced",
    "Transformed",
]
THINGS = [
    "the contact centre journey",
    "the case management system",
    "the booking service",
    "paper forms",
    "the data warehouse",
    "the payments process",
    "the website content",
    "the CRM",
    "the mobile app",
    "the scheduling of crews",
    "the eligibility checks",
    "the appointment reminders",
]
OUTCOMES = [
    "Calls fell by a third.",
    "Processing time halved.",
    "Saved £120,000 a year.",
    "Complaints fell by 40%.",
    "Take-up online rose to 80%.",
    "Backlog cleared in three months.",
    "Staff time freed for casework.",
]


@dataclass
class Generated:
    councils: int = 0
    specialists: int = 0
    past_projects: int = 0
    open_weeks: int = 0
    history_bookings: int = 0
    seconds: dict = field(default_factory=dict)


def _copy(model, rows: list[dict]) -> None:
    """COPY rows (dicts by field attname, ids included) into the model's table, then move its sequence on."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.generated]  # PostgreSQL computes generated ones
    columns = ", ".join(f'"{f.column}"' for f in fields)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row.get(f.attname, _default(f)) for f in fields])
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))")


@contextmanager
def _slots_copied() -> Iterator[None]:
    """Slots COPYed in bulk with the per-statement refresh of the profiles' open weeks off, then every
    profile refreshed once, after ANALYZE. The trigger's refresh, run for 20,000 profiles at the end of a
    COPY into a table whose statistics still say it is empty, was planned as a scan of the whole table per
    profile: it ran for over seven minutes on a fresh database (2026-11-30)."""
    insert_trigger = "talentpool.WeekSlot:slot_insert_next_open_week"
    with transaction.atomic():
        pgtrigger.disable(insert_trigger)
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys checked now: ALTER TABLE waits on none
            pgtrigger.enable(insert_trigger)
            cursor.execute("ANALYZE talentpool_weekslot")
            cursor.execute(
                "SELECT talentpool_next_open_week_refresh(ARRAY(SELECT id FROM talentpool_specialistprofile))"
            )


def _default(f):
    if f.has_default():
        return f.get_default()
    return None


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{model._meta.db_table}"')
        return cursor.fetchone()[0]


def generate(
    *,
    councils: int = 382,
    specialists: int = 20000,
    weeks: int = 26,
    history_months: int = 12,
    seed: int = 2026,
    log=print,
) -> Generated:
    rng = random.Random(seed)
    out = Generated()
    now = timezone.now()
    today = timezone.localdate()
    started = time.perf_counter()

    password = make_password(PASSWORD)
    all_councils = _councils_activate(count=councils, password=password, now=now)
    out.councils = len(all_councils)
    out.seconds["councils"] = time.perf_counter() - started

    # Specialists and their profiles.
    t = time.perf_counter()
    areas = list(ServiceArea.objects.all())
    profiles = _specialists_create(
        all_councils=all_councils, areas=areas, count=specialists, rng=rng, password=password, now=now, today=today
    )
    out.past_projects = _past_projects_create(profiles=profiles, areas=areas, rng=rng, today=today)
    out.specialists = len(profiles)
    with connection.cursor() as cursor:  # statistics for the tables just filled, before the statements below
        cursor.execute("ANALYZE")  # plan over them (without, the search vectors' UPDATE took minutes)
    search_vectors_write(missing_only=True)
    search_words_rebuild()  # the words "Did you mean" checks a search against
    out.seconds["profiles"] = time.perf_counter() - t

    # Open weeks ahead.
    t = time.perf_counter()
    first = first_future_monday(today)
    slot_id = _next_id(WeekSlot)
    out.open_weeks = _open_weeks_create(profiles=profiles, weeks=weeks, first=first, first_id=slot_id, now=now)
    out.seconds["open_weeks"] = time.perf_counter() - t

    # A year of history: each council buys from ten partner councils.
    t = time.perf_counter()
    out.history_bookings = _history_create(
        profiles=profiles,
        all_councils=all_councils,
        rng=rng,
        size=int(100_000 * history_months / 12 * specialists / 20000),
        past_weeks=[first - timedelta(weeks=k) for k in range(2, 2 + int(52 * history_months / 12))],
        first_slot_id=slot_id + out.open_weeks,
        now=now,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out.seconds["history"] = time.perf_counter() - t
    out.seconds["total"] = time.perf_counter() - started
    log(
        f"Generated {out.councils} councils, {out.specialists} specialists, {out.past_projects} past projects, "
        f"{out.open_weeks} open weeks, {out.history_bookings} past bookings in {out.seconds['total']:.1f} s"
    )
    return out


def _councils_activate(*, count: int, password: str, now) -> list[Council]:
    """Import the register and make the first `count` councils (by code) active on the current agreement,
    each with an admin, a booking officer, a finance officer and an approver."""
    council_register_import()
    all_councils = list(Council.objects.order_by("code"))[:count]
    agreement = agreement_current()
    with transaction.atomic():
        chosen = Council.objects.filter(pk__in=[c.pk for c in all_councils])
        # through the moves a council makes (the database refuses a jump from not invited to active)
        council_machine.move_many(chosen, to=CouncilStatus.INVITED)
        council_machine.move_many(chosen, to=CouncilStatus.ONBOARDING)
        council_machine.move_many(
            chosen,
            to=CouncilStatus.ACTIVE,
            invoice_address="Town Hall",
            finance_email="finance@example.gov.uk",
            payment_terms_days=30,
            finance_details_updated_at=now,
            activated_at=now,
        )
        staff_rows = []
        for c in all_councils:
            for role in (Role.COUNCIL_ADMIN, Role.BOOKING_OFFICER, Role.FINANCE_OFFICER, Role.APPROVER):
                staff_rows.append(
                    User(
                        email=f"{role.replace('_', '-')}@{c.slug}.bench.example",
                        full_name=f"{c.short_name} {role}",
                        council=c,
                        roles=[role],
                        password=password,
                    )
                )
        User.objects.bulk_create(staff_rows, batch_size=2000)
        admins = {
            u.council_id: u
            for u in User.objects.filter(email__startswith="council-admin@", email__endswith=".bench.example")
        }
        AgreementAcceptance.objects.bulk_create(
            [AgreementAcceptance(council=c, agreement=agreement, accepted_by=admins[c.pk]) for c in all_councils],
            ignore_conflicts=True,
        )
    return all_councils


def _specialists_create(
    *,
    all_councils: list[Council],
    areas: list[ServiceArea],
    count: int,
    rng: random.Random,
    password: str,
    now,
    today,
) -> list[SpecialistProfile]:
    """`count` approved specialists spread over the councils, each with three skills and two service areas."""
    skills = list(Skill.objects.filter(controlled=True))
    first_names = ["Alex", "Sam", "Jo", "Priya", "Tom", "Aisha", "Chris", "Megan", "Owen", "Fatima", "Lee", "Rhian"]
    last_names = ["Smith", "Jones", "Patel", "Williams", "Brown", "Evans", "Khan", "Taylor", "Davies", "Wilson"]
    users = [
        User(
            email=f"s{i}@{all_councils[i % len(all_councils)].slug}.bench.example",
            full_name=f"{rng.choice(first_names)} {rng.choice(last_names)}",
            council=all_councils[i % len(all_councils)],
            roles=[Role.SPECIALIST],
            password=password,
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(
        User.objects.filter(roles__contains=[Role.SPECIALIST], email__endswith=".bench.example").order_by("pk")
    )
    profiles = []
    for u in users:
        assert u.council_id is not None  # made with a council above
        area = rng.choice(areas)
        profiles.append(
            SpecialistProfile(
                user=u,
                council_id=u.council_id,
                headline=f"{area.description[:80]} specialist",
                summary=f"I have worked on {area.description.lower()} and {rng.choice(THINGS)} for several years.",
                lgdss_points=sorted(rng.sample(range(1, 16), 3)),
                status="approved",
                weekly_cap=Decimal("5"),
                approval_ends_on=today + timedelta(days=300),
                approved_at=now,
                hourly_rate=Decimal(rng.randrange(3500, 9000)) / 100,
                hourly_rate_currency="GBP",
            )
        )
    SpecialistProfile.objects.bulk_create(profiles, batch_size=2000)
    profiles = list(SpecialistProfile.objects.filter(user__email__endswith=".bench.example").order_by("pk"))
    SkillLink = SpecialistProfile.skills.through
    AreaLink = SpecialistProfile.service_areas.through
    SkillLink.objects.bulk_create(
        [SkillLink(specialistprofile_id=p.pk, skill_id=s.pk) for p in profiles for s in rng.sample(skills, 3)],
        batch_size=5000,
    )
    AreaLink.objects.bulk_create(
        [AreaLink(specialistprofile_id=p.pk, servicearea_id=a.pk) for p in profiles for a in rng.sample(areas, 2)],
        batch_size=5000,
    )
    return profiles


def _past_projects_create(
    *, profiles: list[SpecialistProfile], areas: list[ServiceArea], rng: random.Random, today
) -> int:
    """One to five past projects for each profile; returns how many."""
    projects = []
    for p in profiles:
        for _ in range(rng.randint(1, 5)):
            area = rng.choice(areas)
            projects.append(
                PastProject(
                    profile=p,
                    title=f"{rng.choice(VERBS)} {rng.choice(THINGS)} for {area.description.lower()}"[:150],
                    problem=f"Residents struggled with {area.description.lower()}; {rng.choice(THINGS)} was slow.",
                    what_i_did=f"{rng.choice(VERBS)} {rng.choice(THINGS)} with a small team.",
                    outcome=rng.choice(OUTCOMES),
                    service_area=area,
                    year=rng.randint(2018, today.year - 1),
                )
            )
    PastProject.objects.bulk_create(projects, batch_size=5000)
    return len(projects)


def _open_weeks_create(*, profiles: list[SpecialistProfile], weeks: int, first, first_id: int, now) -> int:
    """`weeks` open weeks of three hours for each profile from `first`, ids from `first_id`; returns how many."""
    slot_id = first_id
    open_rows = []
    for p in profiles:
        for w in range(weeks):
            open_rows.append(
                {
                    "id": slot_id,
                    "profile_id": p.pk,
                    "week_start": first + timedelta(weeks=w),
                    "hours": Decimal("3.0"),
                    "status": "open",
                    "from_pattern": False,
                    "updated_at": now,
                }
            )
            slot_id += 1
    with _slots_copied():
        _copy(WeekSlot, open_rows)
    return len(open_rows)


def _history_create(
    *,
    profiles: list[SpecialistProfile],
    all_councils: list[Council],
    rng: random.Random,
    size: int,
    past_weeks: list,
    first_slot_id: int,
    now,
) -> int:
    """`size` past weeks of `past_weeks` booked, worked and confirmed, each council buying from ten partner
    councils, on slots with ids from `first_slot_id`; returns how many."""
    slot_id = first_slot_id
    by_council: dict[int, list] = {}
    for p in profiles:
        by_council.setdefault(p.council_id, []).append(p)
    officers = {
        u.council_id: u
        for u in User.objects.filter(email__startswith="booking-officer@", email__endswith=".bench.example")
    }
    partners = {
        c.pk: rng.sample([o.pk for o in all_councils if o.pk != c.pk and o.pk in by_council], 10) for c in all_councils
    }
    used = set()
    booking_rows: list[dict[str, Any]]
    slot_rows, booking_rows, week_rows, sheet_rows = [], [], [], []
    booking_id, week_id, sheet_id = _next_id(Booking), _next_id(BookingWeek), _next_id(Timesheet)
    customers = [c.pk for c in all_councils]
    while len(booking_rows) < size:
        customer = rng.choice(customers)
        p = rng.choice(by_council[rng.choice(partners[customer])])
        week = rng.choice(past_weeks)
        if (p.pk, week) in used:
            continue
        used.add((p.pk, week))
        hours = Decimal(rng.choice(["1.0", "2.0", "2.5", "3.0"]))
        slot_rows.append(
            {
                "id": slot_id,
                "profile_id": p.pk,
                "week_start": week,
                "hours": Decimal("3.0"),
                "status": "booked",
                "from_pattern": False,
                "updated_at": now,
            }
        )
        booking_rows.append(
            {
                "id": booking_id,
                "profile_id": p.pk,
                "supplier_council_id": p.council_id,
                "customer_council_id": customer,
                "officer_id": officers[customer].pk,
                "brief": "Help",
                "po_number": f"PO{booking_id}",
                "cost_centre": "CC1",
                "hourly_rate": p.hourly_rate.amount,
                "hourly_rate_currency": "GBP",
                "status": "accepted",
                "requested_at": now,
                "answer_by": now,
                "answered_at": now,
                "decline_reason": "",
            }
        )
        week_rows.append(
            {
                "id": week_id,
                "booking_id": booking_id,
                "slot_id": slot_id,
                "week_start": week,
                "hours": Decimal("3.0"),
                "status": "booked",
                "released_reason": "",
            }
        )
        sheet_rows.append(
            {
                "id": sheet_id,
                "week_id": week_id,
                "booked_hours": Decimal("3.0"),
                "hours_worked": hours,
                "note": "",
                "status": "confirmed",
                "submitted_at": now,
                "confirm_by": now,
                "confirmed_at": now,
                "dispute_reason": "",
            }
        )
        slot_id, booking_id, week_id, sheet_id = slot_id + 1, booking_id + 1, week_id + 1, sheet_id + 1
    with _slots_copied():
        _copy(WeekSlot, slot_rows)
        _copy(Booking, booking_rows)
        _copy(BookingWeek, week_rows)
        _copy(Timesheet, sheet_rows)
    return len(booking_rows)
