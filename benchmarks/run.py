"""`make bench`: measure the service at national scale on this machine and print a table.

Real PostgreSQL (database `talentpool_bench`), a real gunicorn on loopback, real HTTP. Each page is timed
on the server (Server-Timing header) and by the client, with its SQL query count (X-Query-Count). Results
are printed and written to benchmarks/results/<time>.json. Set BENCH_SCALE (default 1) for smaller runs.
"""

import json
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEVANCE_SET = ROOT / "benchmarks" / "relevance" / "set.json"
sys.path.insert(0, str(ROOT))
DB_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/talentpool_bench")
os.environ["DATABASE_URL"] = DB_URL
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
# One cache for the server's two workers and this script, as production shares Redis between processes
# (the charts' nightly figures are worked out here and read by the server).
os.environ["CACHE_URL"] = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3")
PORT = int(os.environ.get("BENCH_PORT", "8099"))
BASE = f"http://127.0.0.1:{PORT}"
SCALE = float(os.environ.get("BENCH_SCALE", "1"))


def ensure_database() -> None:
    import psycopg

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0.0


def summary(name, samples):
    server = [s["server_ms"] for s in samples]
    client = [s["client_ms"] for s in samples]
    queries = [s["queries"] for s in samples]
    return {
        "measure": name,
        "n": len(samples),
        "median_ms": statistics.median(server),
        "p95_ms": pct(server, 95),
        "client_median_ms": statistics.median(client),
        "client_p95_ms": pct(client, 95),
        "db_median_ms": statistics.median(db)
        if (db := [s["db_ms"] for s in samples if s["db_ms"] is not None])
        else None,
        "queries_median": statistics.median(queries),
        "queries_max": max(queries),
    }


def timed(session, method, path, **kwargs):
    started = time.perf_counter()
    response = session.request(method, BASE + path, allow_redirects=False, timeout=60, **kwargs)
    client_ms = (time.perf_counter() - started) * 1000
    if response.status_code >= 500:
        raise RuntimeError(f"{method} {path}: {response.status_code}")
    timing = response.headers.get("Server-Timing", "")
    app = re.search(r"app;dur=([\d.]+)", timing)
    if app is None:
        raise RuntimeError(f"{method} {path}: no Server-Timing (is the server on config.settings.bench?)")
    server_ms = float(app.group(1))
    return response, {
        "server_ms": server_ms,
        "db_ms": float(db.group(1)) if (db := re.search(r"db;dur=([\d.]+)", timing)) else None,  # None: before 2026-12
        "client_ms": client_ms,
        "queries": int(response.headers.get("X-Query-Count", 0)),
    }


def signed_in(user):
    import requests
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    session = requests.Session()
    session.cookies.set("sessionid", store.session_key, domain="127.0.0.1")
    return session


def main() -> None:
    ensure_database()
    import django

    django.setup()
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "scale": SCALE, "measures": []}
    results.update(data_prepare())
    server = gunicorn_start()
    try:
        gunicorn_wait(server)
        results["measures"].extend(http_measures())
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    results["settlement"] = settlement_measures()
    ratios_to_floor(results["measures"])
    print_table(results)
    out = ROOT / "benchmarks" / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"\nWritten to {out.relative_to(ROOT)}")


def data_prepare() -> dict:
    """Generate the data set unless the database has it ("generation"), then count what is there ("data")."""
    from benchmarks.generator import generate
    from bookings.models import BookingWeek
    from talentpool.models import SpecialistProfile, WeekSlot

    prepared = {}
    if not SpecialistProfile.objects.filter(user__email__endswith=".bench.example").exists():
        g = generate(specialists=int(20000 * SCALE))
        prepared["generation"] = {
            "seconds": round(g.seconds["total"], 1),
            **{k: v for k, v in vars(g).items() if k != "seconds"},
        }
    # Earlier runs' booking phases and settlement leave dead rows and old statistics behind, and autovacuum
    # may not have caught up: every run starts from the same state (3 s at full scale).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    prepared["data"] = {
        "specialists": SpecialistProfile.objects.count(),
        "week_slots": WeekSlot.objects.count(),
        "booking_weeks": BookingWeek.objects.count(),
    }
    return prepared


def gunicorn_start() -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"},
    )


SERVER_WAIT_SECONDS = 60


def gunicorn_wait(server: subprocess.Popen, *, seconds: float = SERVER_WAIT_SECONDS) -> None:
    """Until the server answers /healthz with 200. Any failed try (refused while it starts, a read timing
    out on a busy machine, a reset) is tried again until `seconds` have passed; then, or if gunicorn has
    exited, stop with what went wrong last."""
    import requests

    deadline = time.monotonic() + seconds
    last = "no answer yet"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode} before answering on {BASE}")
        try:
            response = requests.get(BASE + "/healthz", timeout=max(1.0, min(10.0, deadline - time.monotonic())))
        except requests.RequestException as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {BASE}/healthz within {seconds:.0f} s (last: {last})")


# The framework's floor: a signed-in request for a page that reads nothing but the session and its user
# (the accessibility statement). Until issue 14 it was the home page, which now lists each person's tasks.
FLOOR_PATH = "/accessibility/"


def http_measures() -> list[dict]:
    """The floor, the home, search and profile pages, then booking requests alone and under contention."""
    from django.utils import timezone

    from councils.models import User
    from talentpool.models import SlotStatus, WeekSlot
    from talentpool.tasks import search_lists_refresh
    from talentpool.weeks import first_future_monday

    rng = random.Random(7)
    officers = list(
        User.objects.filter(email__startswith="booking-officer@", email__endswith=".bench.example").order_by("pk")
    )
    viewer = signed_in(officers[0])
    for _ in range(20):  # warm up both workers
        timed(viewer, "GET", FLOOR_PATH)

    floor = [timed(viewer, "GET", FLOOR_PATH)[1] for _ in range(200)]
    measures = [summary("floor: a plain page, signed in", floor)]
    measures.append(summary("home page (task lists)", [timed(viewer, "GET", "/")[1] for _ in range(200)]))
    first = first_future_monday(timezone.localdate())
    search_lists_refresh()  # as beat does every four minutes, so the search's lists are in the shared cache
    measures.append(search_measure(viewer, rng=rng, first=first))
    measures.append(sentence_measure(viewer))
    measures.append(profile_measure(viewer, rng=rng, council_id=officers[0].council_id))

    # Booking under contention: 32 officers of different councils over HTTP.
    clients = officers[1:33]
    open_slots = list(
        WeekSlot.objects.filter(status=SlotStatus.OPEN, week_start__gte=first)
        .order_by("?")
        .values_list("profile_id", "week_start", "profile__council_id")[:2500]
    )
    distinct, contested, alone = open_slots[:2000], open_slots[2000:2200], open_slots[2200:2500]
    measures.extend(chart_measures())
    measures.append(booking_alone_measure(officers[0], alone))
    measures.append(floor_crowd_measure(clients))
    measures.append(booking_contended_measure(clients, distinct=distinct, contested=contested, rng=rng))
    return measures


SEARCH_WORDS = [
    "council tax",
    "housing repairs",
    "waste collection",
    "contact centre",
    "case management",
    "payments",
    "data warehouse",
    "mobile app",
    "parking",
    "school admissions",
    "benefits",
    "CRM",
]


def search_measure(viewer, *, rng, first) -> dict:
    from talentpool.models import ServiceArea, Skill

    skills = list(Skill.objects.filter(controlled=True).values_list("pk", flat=True))
    areas = list(ServiceArea.objects.values_list("code", flat=True))
    searches = []
    for i in range(200):
        params = search_params(i, rng=rng, first=first, skills=skills, areas=areas)
        searches.append(timed(viewer, "GET", "/pool/search/", params=params)[1])
    return summary("search page (200 varied searches)", searches)


def sentences_of_the_set() -> list[str]:
    """The relevance set's searches written as a whole sentence."""
    searches = json.loads(RELEVANCE_SET.read_text(encoding="utf-8"))["searches"]
    return [s["q"] for s in searches if s["kind"] == "sentence"]


def sentence_measure(viewer) -> dict:
    """The search page for the problems officers describe in a whole sentence: the relevance set's sentences
    (benchmarks/relevance/set.json), each once, with no filter, as an officer's sentence is new to the
    service. A sentence names many ideas, so its page costs more than a keyword's; the varied searches
    above are keywords. The shared cache is emptied first and refilled as beat keeps it (filter lists,
    vocabulary, the words profiles use), so no sentence finds its words' counts or corrections there from
    an earlier run (a word shared by two sentences is counted for the first)."""
    from django.core.cache import cache

    from talentpool.tasks import search_lists_refresh

    cache.clear()
    search_lists_refresh()
    sentences = sentences_of_the_set()
    return summary(
        f"search page ({len(sentences)} sentences)",
        [timed(viewer, "GET", "/pool/search/", params={"q": q})[1] for q in sentences],
    )


def search_params(i, *, rng, first, skills, areas) -> dict:
    """The i-th of the varied searches: words, and in turn a week, a skill, a service area, a nation, a sort,
    minimum hours."""
    params = {"q": rng.choice(SEARCH_WORDS)}
    if i % 2:
        params["week"] = (first + timedelta(weeks=rng.randrange(26))).isoformat()
    if i % 3 == 0:
        params["skill"] = rng.choice(skills)
    if i % 5 == 0:
        params["service_area"] = rng.choice(areas)
    if i % 7 == 0:
        params["nation"] = "Wales"
    if i % 4 == 0:
        params["sort"] = rng.choice(["soonest", "rate"])
    if i % 6 == 0:
        params["min_hours"] = "2"
    return params


def profile_measure(viewer, *, rng, council_id) -> dict:
    from talentpool.models import SpecialistProfile

    profile_ids = list(SpecialistProfile.objects.exclude(council=council_id).values_list("pk", flat=True)[:5000])
    profiles = [timed(viewer, "GET", f"/pool/specialists/{rng.choice(profile_ids)}/")[1] for _ in range(200)]
    return summary("profile page", profiles)


def chart_measures() -> list[dict]:
    """The chart pages. The platform's after the nightly refresh has worked out every period and nation
    (as beat does at 03:15), and without it (the cache emptied before each request); each council's and
    each finance team's as first asked (20 councils × 4 periods, so most requests work their figures out)."""
    from django.core.cache import cache

    from councils.models import Role, User
    from insights.services import platform_figures_refresh

    staff, _ = User.objects.get_or_create(
        email="bench-staff@talentpool.bench.example", defaults={"full_name": "Bench Staff", "is_staff": True}
    )
    viewer = signed_in(staff)
    cache.clear()
    cold = []
    for months in ("12", "24", "3", "6", "12", "24", "3", "6", "12", "24"):
        cache.clear()
        cold.append(timed(viewer, "GET", "/platform/charts/", params={"months": months})[1])
    started = time.perf_counter()
    platform_figures_refresh()
    refresh_seconds = time.perf_counter() - started
    nations = ["", "England", "Wales", "Scotland", "Northern Ireland"]
    warm = [
        timed(
            viewer,
            "GET",
            "/platform/charts/",
            params={"months": ("3", "6", "12", "24")[i % 4], "nation": nations[i % 5]},
        )[1]
        for i in range(100)
    ]
    measures = [
        summary("charts: platform, after the nightly refresh", warm),
        summary("charts: platform, not worked out yet", cold),
    ]
    measures[0]["nightly_refresh_seconds"] = round(refresh_seconds, 1)
    for role, path, name in (
        (Role.COUNCIL_ADMIN, "/council/charts/", "charts: a council (first asked)"),
        (Role.FINANCE_OFFICER, "/finance/charts/", "charts: a council's money (first asked)"),
    ):
        people = list(User.objects.filter(roles__contains=[role], email__endswith=".bench.example").order_by("pk")[:20])
        sessions = [signed_in(p) for p in people]
        samples = [
            timed(
                sessions[i % len(sessions)],
                "GET",
                path,
                params={"months": ("12", "24", "3", "6")[i // len(sessions) % 4]},
            )[1]
            for i in range(100)
        ]
        measures.append(summary(name, samples))
    return measures


def booking_token(session, profile_id, week) -> str:
    """The request form sets the CSRF cookie and carries the token every POST then sends."""
    page = session.get(f"{BASE}/bookings/request/{profile_id}/{week.isoformat()}/", timeout=60)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def booking_post(session, token, profile_id, week):
    """Request one week of a profile, 2 hours: (response, sample)."""
    w = week.isoformat()
    return timed(
        session,
        "POST",
        f"/bookings/request/{profile_id}/{w}/",
        data={"csrfmiddlewaretoken": token, f"week_{w}": "on", f"hours_{w}": "2", "brief": "Benchmark"},
        headers={"Referer": BASE + "/"},
    )


def booking_alone_measure(officer, alone) -> dict:
    """One booking request at a time (no contention), against the floor measured the same way."""
    solo = signed_in(officer)
    alone = [job for job in alone if job[2] != officer.council_id]
    solo_token = booking_token(solo, alone[0][0], alone[0][1])
    solo_samples = [booking_post(solo, solo_token, profile_id, week)[1] for profile_id, week, _council_id in alone]
    return summary("booking request (one client)", solo_samples)


def in_threads(target, officers) -> None:
    """Run `target(officer)` for every officer at once, each in its own thread, and wait for them all."""
    threads = [threading.Thread(target=target, args=(officer,)) for officer in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def floor_crowd_measure(clients) -> dict:
    """The floor under the same 32-way concurrency as the contended booking, for a like-for-like ratio."""
    crowd_floor, crowd_lock = [], threading.Lock()

    def floor_load(officer):
        session = signed_in(officer)
        for _ in range(60):
            sample = timed(session, "GET", FLOOR_PATH)[1]
            with crowd_lock:
                crowd_floor.append(sample)

    in_threads(floor_load, clients)
    return summary("floor (32 clients at once)", crowd_floor)


def booking_work(clients, *, distinct, contested, rng) -> dict:
    """Each client's share of the weeks, by officer id: the distinct weeks dealt out in turn, and each
    contested week to 8 clients."""
    work = {c.pk: [] for c in clients}
    for i, slot in enumerate(distinct):
        work[clients[i % len(clients)].pk].append(slot)
    for slot in contested:
        for c in rng.sample(clients, 8):
            work[c.pk].append(slot)
    return work


def booking_contended_measure(clients, *, distinct, contested, rng) -> dict:
    """All clients at once request their share of the weeks; then one SQL query counts weeks holding two
    live bookings."""
    from django.db import connection

    work = booking_work(clients, distinct=distinct, contested=contested, rng=rng)
    samples, outcomes, lock = [], {"held": 0, "refused": 0}, threading.Lock()

    def book(officer):
        session = signed_in(officer)
        rng_local = random.Random(officer.pk)
        jobs = [j for j in work[officer.pk] if j[2] != officer.council_id]
        first_profile, first_week, _council = jobs[0]
        token = booking_token(session, first_profile, first_week)
        rng_local.shuffle(jobs)
        for profile_id, week, council_id in jobs:
            if council_id == officer.council_id:
                continue
            response, sample = booking_post(session, token, profile_id, week)
            with lock:
                samples.append(sample)
                outcomes["held" if response.status_code == 302 else "refused"] += 1

    started = time.perf_counter()
    in_threads(book, clients)
    wall = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT slot_id FROM bookings_bookingweek WHERE status IN ('held','booked') GROUP BY slot_id HAVING count(*) > 1) x"
        )
        doubles = cursor.fetchone()[0]
    booking = summary("booking request (32 clients, contended)", samples)
    booking.update(
        requests=len(samples),
        requests_per_second=round(len(samples) / wall, 1),
        double_bookings=doubles,
        **outcomes,
    )
    return booking


def settlement_measures():
    from django.db import connection
    from django.utils import timezone

    from bookings.models import Timesheet
    from payments import settlement
    from payments.models import CreditNote, Invoice, InvoiceLine, NumberSeries, Payment, SettlementRun

    def reset():
        # TRUNCATE, not DELETE: issued documents are append-only (a database trigger refuses deletes).
        tables = ", ".join(
            m._meta.db_table for m in (Payment, CreditNote, InvoiceLine, Invoice, SettlementRun, NumberSeries)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        Timesheet.objects.update(invoiced_at=None)

    def measure(period):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        billable = settlement._billable(period).count()
        # Timed without tracemalloc (it slows allocation-heavy code several times over); memory is the
        # process's peak resident size, which only grows, so the year's figure includes the month's.
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            result = settlement.settlement_run(period=period, today=timezone.localdate())
        seconds = time.perf_counter() - started
        return {
            "period": period.isoformat(),
            "timesheets": billable,
            "invoices": len(result.invoices),
            "seconds": round(seconds, 2),
            "process_max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "queries": count[0],
            "queries_per_invoice": round(count[0] / max(len(result.invoices), 1), 1),
        }

    from bookings.models import BookingWeek

    earliest = BookingWeek.objects.order_by("week_start").values_list("week_start", flat=True).first()
    latest_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    reset()
    month = measure(settlement.month_start(earliest))
    reset()
    year = measure(latest_month)
    reset()
    return [month, year]


def ratios_to_floor(measures: list[dict]) -> None:
    """Each measure's median against the floor's (the first measure); and `sql_bound`, the ratio it would
    have if everything but its SQL statements cost what the floor's does: the floor's time plus the SQL it
    waits on beyond the floor's, over the floor's time. No faster Python or template brings a page under its
    SQL bound; only fewer or cheaper statements do."""
    floor = measures[0]
    for m in measures:
        m["ratio_to_floor"] = round(m["median_ms"] / floor["median_ms"], 2) if floor["median_ms"] else None
        if floor["median_ms"] and m["db_median_ms"] is not None and floor["db_median_ms"] is not None:
            beyond = max(m["db_median_ms"] - floor["db_median_ms"], 0.0)
            m["sql_bound"] = round((floor["median_ms"] + beyond) / floor["median_ms"], 2)


def print_table(results):
    print(
        f"\nMachine: {results['machine']['cpus']} CPUs, Python {results['machine']['python']}; scale {results['scale']}"
    )
    print(f"Data: {results['data']}")
    if "generation" in results:
        print(f"Generation: {results['generation']['seconds']} s")
    print(
        f"\n{'measure':44} {'n':>5} {'median ms':>10} {'p95 ms':>8} {'x floor':>8} {'SQL ms':>7} {'SQL bound':>10}"
        f" {'queries':>8} {'(max)':>6}"
    )
    for m in results["measures"]:
        print(
            f"{m['measure']:44} {m['n']:>5} {m['median_ms']:>10.1f} {m['p95_ms']:>8.1f} {m['ratio_to_floor']:>8}"
            f" {'' if m['db_median_ms'] is None else round(m['db_median_ms'], 1):>7} {m.get('sql_bound', ''):>10} {m['queries_median']:>8g} {m['queries_max']:>6}"
        )
    print(
        "(SQL ms: the median time the server waited on SQL statements, commits not included. SQL bound: the"
        " ratio to the floor a page would have if all but its SQL cost what the floor's does.)"
    )
    for m in results["measures"]:
        if "nightly_refresh_seconds" in m:
            print(
                f"\nCharts: the nightly refresh of the platform's figures (20 periods and nations) took {m['nightly_refresh_seconds']} s"
            )
    booking = results["measures"][-1]
    crowd = next(m for m in results["measures"] if m["measure"].startswith("floor (32"))
    print(
        f"\nBooking: {booking['requests']} requests, {booking['requests_per_second']} per second, "
        f"{booking['held']} held, {booking['refused']} refused, double bookings: {booking['double_bookings']}; "
        f"median {round(booking['median_ms'] / crowd['median_ms'], 2)}x the floor under the same 32-way load"
    )
    for s in results["settlement"]:
        print(
            f"Settlement from {s['period']}: {s['timesheets']} timesheets, {s['invoices']} invoices, {s['seconds']} s, "
            f"peak process memory {s['process_max_rss_mb']} MB, {s['queries']} queries "
            f"({s['queries_per_invoice']} per invoice)"
        )


if __name__ == "__main__":
    main()
