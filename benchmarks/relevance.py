"""`make relevance`: does the pool's search put the right specialist first?

Loads the relevance set (benchmarks/relevance/set.json: fictional councils, specialists with past projects,
and searches written the way officers type them, each naming the profile that should come first) into a
database of its own (`talentpool_relevance`, created and migrated if missing; RELEVANCE_DATABASE_URL to
change it), through the services people use: each council invited, onboarded and active, each profile
saved, submitted and approved. Then runs every search as a booking officer of a council with none of the
profiles, and prints hit@1, hit@3 and the mean reciprocal rank (MRR; a search that misses scores 0). With
distractors the figures are read from the search page's first five pages (`SearchPaginator`, which ranks a
search more than 1,000 profiles match in two stages); the set's figures alone from every match ranked
(`talentpool.selectors.specialist_search`).

    make relevance                                  # the set alone
    make relevance ARGS="--distractors"             # also mixed into the national data set (20,000)
    make relevance ARGS="--distractors --scale 0.25 --verbose"

`--distractors` builds the national data set in the same database with `benchmarks.generator.generate`
if it is not there yet (about a minute at full scale; `--scale` for fewer). The set's figures "alone" are
then read from the same searches with the other profiles left out: the search orders each profile by its
own score (ideas covered, rank, then id), so leaving profiles out does not
change the order of the rest. (Since a typed word's weight depends on how many profiles use it, a database
of the set alone would weigh words a little differently: the "alone" figures are the set's own order within
the pool searched.)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from councils.models import Council, User
    from talentpool.models import ServiceArea, SpecialistProfile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SET_PATH = ROOT / "benchmarks" / "relevance" / "set.json"
DB_URL = os.environ.get("RELEVANCE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/talentpool_relevance")
KINDS = ("keywords", "sentence", "paraphrase", "abbreviation", "typo", "unknown-word")
MAIL_SUFFIX = ".relevance.example"  # every address of the set's people ends so (and no one else's does)
PLATFORM_ADMIN = f"platform@platform{MAIL_SUFFIX}"
DISTRACTORS_FULL = 20000


# --- scoring (no database) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One search: where the expected profile came (1 = first; None when not among the results)."""

    query: str
    expected: str
    kind: str
    rank: int | None
    results: int  # how many profiles the search returned
    # 0: seen while the search was tuned. 1 ("held_out": true in the set): written after the vocabulary was
    # last tuned, never used to tune it. 2: a second blind set, written from the profiles alone by someone who
    # had not seen the search's code, vocabulary or results.
    held_out: int = 0


@dataclass(frozen=True)
class Score:
    searches: int
    hit_at_1: float
    hit_at_3: float
    mrr: float
    found_nothing: int  # searches that returned no profile at all


def rank_of(expected: int, ranked: Sequence[int]) -> int | None:
    """The 1-based position of `expected` in `ranked`, or None."""
    try:
        return ranked.index(expected) + 1
    except ValueError:
        return None


def score(outcomes: Sequence[Outcome]) -> Score:
    """hit@1 and hit@3 (the share of searches with the expected profile within the first 1 or 3) and MRR
    (the mean of 1/rank, 0 for a miss)."""
    n = len(outcomes)
    if n == 0:
        return Score(searches=0, hit_at_1=0.0, hit_at_3=0.0, mrr=0.0, found_nothing=0)
    ranks = [o.rank for o in outcomes]
    return Score(
        searches=n,
        hit_at_1=sum(1 for r in ranks if r is not None and r <= 1) / n,
        hit_at_3=sum(1 for r in ranks if r is not None and r <= 3) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
        found_nothing=sum(1 for o in outcomes if o.results == 0),
    )


def set_read(path: Path = SET_PATH) -> dict[str, Any]:
    """The relevance set, refused if a search expects a profile the set does not have."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    keys = {p["key"] for p in data["profiles"]}
    missing = sorted({s["expected"] for s in data["searches"]} - keys)
    if missing:
        raise SystemExit(f"{path}: searches expect profiles the set does not have: {', '.join(missing)}")
    return data


# --- the database ------------------------------------------------------------------------------------


def environment_prepare(db_url: str) -> None:
    """Development settings on the set's own database; e-mail discarded, tasks run in this process."""
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["EMAIL_URL"] = "dummymail://"
    os.environ["LOG_LEVEL"] = "WARNING"  # not a line for each e-mail task


def database_ensure(db_url: str) -> None:
    """Create the database if missing, then migrate it."""
    import psycopg

    name = db_url.rsplit("/", 1)[1]
    with psycopg.connect(db_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)


# --- loading the set through the services --------------------------------------------------------------


@dataclass
class Loaded:
    viewer: "User"
    profile_ids: dict[str, int]  # the set's key -> the profile's id


def set_load(data: dict[str, Any], *, today: date) -> Loaded:
    """Make the database hold the set as written (idempotent): councils active, profiles saved as written
    and listed, profiles no longer in the set withdrawn."""
    from councils.models import Role
    from talentpool.models import ServiceArea

    staff = platform_admin()
    areas = {a.code: a for a in ServiceArea.objects.all()}
    councils = {c["code"]: council_ready(c, staff=staff) for c in data["councils"]}
    domains = {c["code"]: c["domain"] for c in data["councils"]}
    profile_ids = {}
    for entry in data["profiles"]:
        profile = profile_ready(
            entry, council=councils[entry["council"]], domain=domains[entry["council"]], areas=areas, today=today
        )
        profile_ids[entry["key"]] = profile.pk
    profiles_retire(keep=set(profile_ids.values()))
    viewer_code = data["viewer_council"]
    viewer = member(
        councils[viewer_code],
        email=f"officer@{domains[viewer_code]}",
        full_name="Booking Officer",
        role=Role.BOOKING_OFFICER,
    )
    return Loaded(viewer=viewer, profile_ids=profile_ids)


def platform_admin() -> "User":
    from councils.models import User

    staff = User.objects.filter(email=PLATFORM_ADMIN).first()
    return staff or User.objects.create_superuser(email=PLATFORM_ADMIN, password=None, full_name="Relevance Platform")


def council_ready(entry: dict[str, Any], *, staff: "User") -> "Council":
    """The set's council, active: its row made as the register import makes one, then invited, onboarded
    and the agreement accepted as a council administrator does (demo/services.py does the same)."""
    from django.db import transaction

    from councils import invitations, services
    from councils.models import Council, CouncilStatus, Role
    from councils.selectors import agreement_current

    with transaction.atomic():
        council, _created = Council.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "short_name": entry["short_name"],
                "slug": f"{entry['short_name'].lower()}-relevance",
                "nation": entry["nation"],
                "region": entry["region"],
                "council_type": entry["council_type"],
                "council_type_name": entry["council_type_name"],
            },
        )
        if council.status == CouncilStatus.NOT_INVITED:
            domain = entry["domain"]
            _invitation, token = invitations.invitation_create(
                council=council, email=f"admin@{domain}", roles=[Role.COUNCIL_ADMIN], invited_by=staff
            )
            admin = invitations.invitation_accept(
                token=token, full_name=f"{council.short_name} Administrator", password="relevance-set-2026"
            )
            services.council_finance_update(
                council=council,
                by=admin,
                invoice_address=f"Finance\n{council.name}",
                finance_email=f"finance@{domain}",
                payment_terms_days=30,
                po_required=False,
                vat_status="registered",
                vat_number="GB123456789",
                domains=[domain],
            )
            agreement = agreement_current()
            assert agreement is not None  # migration 0002 publishes version 1
            services.agreement_accept(council=council, agreement=agreement, by=admin)
        council.refresh_from_db()
        if council.status != CouncilStatus.ACTIVE:
            raise SystemExit(f"{council.name} is {council.status}, not active: drop the database to start afresh")
    return council


def member(council: "Council", *, email: str, full_name: str, role: str) -> "User":
    """A member of `council` with one role (no password: nobody signs in as them)."""
    from councils.models import MembershipStatus, User

    user = User.objects.filter(email=email).first()
    return user or User.objects.create_user(
        email=email, full_name=full_name, council=council, roles=[role], membership_status=MembershipStatus.ACTIVE
    )


def profile_ready(
    entry: dict[str, Any], *, council: "Council", domain: str, areas: dict[int, "ServiceArea"], today: date
) -> "SpecialistProfile":
    """The profile as the set writes it, listed, with three hours a week on offer."""
    from django.db import transaction

    from councils.models import Role
    from talentpool import services, weekly_hours
    from talentpool.models import AvailabilityPattern

    specialist = member(council, email=f"{entry['key']}@{domain}", full_name=entry["name"], role=Role.SPECIALIST)
    approver = member(
        council, email=f"approver@{domain}", full_name=f"{council.short_name} Approver", role=Role.APPROVER
    )
    with transaction.atomic():
        profile = services.profile_save(
            user=specialist,
            headline=entry["headline"],
            summary=entry["summary"],
            own_tags=entry["skills"],
            service_areas=[areas[code] for code in entry.get("service_areas", [])],
        )
        projects_sync(profile, by=specialist, projects=entry["projects"], areas=areas)
        profile = listed_ensure(profile, specialist=specialist, approver=approver, today=today)
        if not AvailabilityPattern.objects.filter(profile=profile).exists():
            weekly_hours.pattern_set(profile=profile, by=specialist, hours=Decimal("3"), starts_on=today, ends_on=None)
    return profile


def projects_sync(
    profile: "SpecialistProfile", *, by: "User", projects: list[dict[str, Any]], areas: dict[int, "ServiceArea"]
) -> None:
    """The profile's past projects as the set writes them: left alone when they already are, otherwise
    removed and written again."""
    from talentpool import services
    from talentpool.models import PastProject

    fields = ("title", "problem", "what_i_did", "outcome", "year")
    wanted = [(*(p[f] for f in fields), p.get("service_area")) for p in projects]
    current = list(PastProject.objects.filter(profile=profile).order_by("pk").select_related("service_area"))
    have = [(*(getattr(p, f) for f in fields), p.service_area.code if p.service_area else None) for p in current]
    if have == wanted:
        return
    for project in current:
        services.past_project_delete(project=project, by=by)
    for p in projects:
        services.past_project_save(
            profile=profile,
            by=by,
            service_area=areas[p["service_area"]] if p.get("service_area") else None,
            **{f: p[f] for f in fields},
        )


def listed_ensure(
    profile: "SpecialistProfile", *, specialist: "User", approver: "User", today: date
) -> "SpecialistProfile":
    """Submitted by the specialist and approved by their council's approver, unless approved for a while yet."""
    from talentpool import approval
    from talentpool.models import ProfileStatus

    if (
        profile.status == ProfileStatus.APPROVED
        and profile.approval_ends_on
        and profile.approval_ends_on > today + timedelta(days=60)
    ):
        return profile
    if profile.status not in (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED):
        profile = approval.profile_submit(profile=profile, by=specialist)
    return approval.profile_approve(
        profile=profile, by=approver, weekly_cap=Decimal("5"), ends_on=today + timedelta(days=300), today=today
    )


def profiles_retire(*, keep: set[int]) -> None:
    """Withdraw the listed profiles of the set's people that the set no longer has."""
    from councils.models import Role, User
    from talentpool import approval
    from talentpool.models import ProfileStatus, SpecialistProfile

    gone = SpecialistProfile.objects.filter(status=ProfileStatus.APPROVED, user__email__endswith=MAIL_SUFFIX)
    for profile in gone.exclude(pk__in=keep).select_related("user"):
        approver = User.objects.get(
            council_id=profile.council_id, roles__contains=[Role.APPROVER], email__startswith="approver@"
        )
        approval.profile_withdraw(profile=profile, by=approver, reason="No longer in the relevance set")


# --- distractors ------------------------------------------------------------------------------------


def distractors_ensure(*, scale: float) -> float | None:
    """The national data set in this database: generated unless it is there (seconds taken, or None)."""
    from benchmarks.generator import generate
    from talentpool.models import SpecialistProfile

    if SpecialistProfile.objects.filter(user__email__endswith=".bench.example").exists():
        return None
    # History (booked, worked weeks) plays no part in the search, so none is made.
    generated = generate(specialists=int(DISTRACTORS_FULL * scale), history_months=0)
    return float(generated.seconds["total"])


def listed_count(*, today: date) -> int:
    from talentpool.models import SpecialistProfile
    from talentpool.selectors import profile_listed_filter

    return SpecialistProfile.objects.filter(profile_listed_filter(today=today)).count()


# --- searching ---------------------------------------------------------------------------------------


@dataclass
class Ranking:
    search: dict[str, Any]
    ids: list[int]  # every profile the search returned, in its order (every match ranked)
    seconds: float
    shown: list[int] | None = None  # the first SHOWN_PAGES pages of the search page, as an officer sees them


SHOWN_PAGES = 5  # 100 results: a profile further down scores under 0.01 of MRR


def rankings(searches: Iterable[dict[str, Any]], *, viewer: "User", today: date) -> list[Ranking]:
    """Each search through the pool's search, as the viewer: the ids of every profile it returns, in order;
    and the first pages the search page shows (SearchPaginator), which ranks a search that more than 1,000
    profiles match in two stages."""
    from talentpool.selectors import SearchPaginator, SearchParams, specialist_search

    out = []
    for search in searches:
        params = SearchParams(q=search["q"])
        started = time.perf_counter()
        paginator = SearchPaginator(viewer=viewer, params=params, today=today)
        shown = [p.pk for n in range(1, min(SHOWN_PAGES, paginator.num_pages) + 1) for p in paginator.page(n)]
        seconds = time.perf_counter() - started
        found = specialist_search(viewer=viewer, params=params, today=today)
        ids = list(found.prefetch_related(None).values_list("pk", flat=True))
        out.append(Ranking(search=search, ids=ids, seconds=seconds, shown=shown))
    return out


def outcomes(ranked: Sequence[Ranking], *, profile_ids: dict[str, int], among: set[int] | None) -> list[Outcome]:
    """Where each search put its expected profile, counting only the profiles `among` (None: all)."""
    out = []
    for r in ranked:
        ids = (r.shown if r.shown is not None else r.ids) if among is None else [pk for pk in r.ids if pk in among]
        s = r.search
        out.append(
            Outcome(
                s["q"],
                s["expected"],
                s["kind"],
                rank=rank_of(profile_ids[s["expected"]], ids),
                results=len(ids),
                held_out=int(s.get("held_out") or 0),
            )
        )
    return out


# --- printing ----------------------------------------------------------------------------------------


HELD_OUT_GROUPS = {
    1: "held out after tuning",
    2: "second blind set",
    3: "third blind set",
    4: "fourth blind set",
    5: "fifth blind set",
    6: "sixth blind set",
    7: "seventh blind set",
    8: "eighth blind set",
}


def score_line(label: str, s: Score) -> str:
    return f"{label:32} {s.searches:>8} {s.hit_at_1:>6.2f} {s.hit_at_3:>6.2f} {s.mrr:>6.3f} {s.found_nothing:>14}"


def scores_print(rows: dict[str, list[Outcome]]) -> None:
    """Overall figures for each way of counting, then by kind of search."""
    print(f"\n{'':32} {'searches':>8} {'hit@1':>6} {'hit@3':>6} {'MRR':>6} {'found nothing':>14}")
    for label, outs in rows.items():
        print(score_line(label, score(outs)))
    for label, outs in rows.items():
        if not any(o.held_out for o in outs):
            continue
        print(f"\nTuned on and held out, {label}:")
        print(score_line("  searches seen while tuning", score([o for o in outs if not o.held_out])))
        print(score_line("  held-out searches, all", score([o for o in outs if o.held_out])))
        for group, name in HELD_OUT_GROUPS.items():
            if any(o.held_out == group for o in outs):
                print(score_line(f"  {name}", score([o for o in outs if o.held_out == group])))
    for label, outs in rows.items():
        print(f"\nBy kind, {label}:")
        for kind in KINDS:
            print(score_line(f"  {kind}", score([o for o in outs if o.kind == kind])))


def rank_text(rank: int | None) -> str:
    return "—" if rank is None else str(rank)


def table_print(rows: dict[str, list[Outcome]]) -> None:
    """One line a search: the query, its kind, the expected profile and where it came each way."""
    labels = list(rows)
    width = max(len(label) for label in labels)
    print(f"\n{'query':60} {'kind':13} {'expected':27} " + " ".join(f"{label:>{width}}" for label in labels))
    for i, o in enumerate(rows[labels[0]]):
        ranks = " ".join(f"{rank_text(rows[label][i].rank):>{width}}" for label in labels)
        print(f"{o.query[:60]:60} {o.kind:13} {o.expected:27} {ranks}")


# --- main --------------------------------------------------------------------------------------------


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Relevance of the pool's search on the relevance set.")
    parser.add_argument("--distractors", action="store_true", help="also mix the set into the national data set")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="distractors to generate, as a share of 20,000 (default 1)"
    )
    parser.add_argument("--verbose", action="store_true", help="print where each search put its expected profile")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be more than 0")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = arguments(argv)
    data = set_read()
    started = time.perf_counter()
    environment_prepare(DB_URL)
    database_ensure(DB_URL)
    import django

    django.setup()
    from django.utils import timezone

    today = timezone.localdate()
    print(
        f"Relevance set: {len(data['profiles'])} profiles, {len(data['searches'])} searches ({SET_PATH.relative_to(ROOT)})"
    )
    generated = distractors_ensure(scale=args.scale) if args.distractors else None
    if generated is not None:
        print(f"Generated the national data set in {generated:.1f} s")
    elif args.distractors:
        print("The national data set was generated earlier (--scale applies to a new database only)")
    t = time.perf_counter()
    loaded = set_load(data, today=today)
    print(f"Set loaded in {time.perf_counter() - t:.1f} s (database {DB_URL.rsplit('/', 1)[1]})")

    ranked = rankings(data["searches"], viewer=loaded.viewer, today=today)
    seconds = [r.seconds for r in ranked]
    print(
        f"{len(ranked)} searches in {sum(seconds):.1f} s (median {statistics.median(seconds) * 1000:.0f} ms); "
        f"{time.perf_counter() - started:.1f} s in all (migrations included)"
    )
    rows = {"set alone": outcomes(ranked, profile_ids=loaded.profile_ids, among=set(loaded.profile_ids.values()))}
    if args.distractors:
        others = listed_count(today=today) - len(loaded.profile_ids)
        rows[f"with {others:,} distractors"] = outcomes(ranked, profile_ids=loaded.profile_ids, among=None)
    scores_print(rows)
    if args.verbose:
        table_print(rows)


if __name__ == "__main__":
    main()
