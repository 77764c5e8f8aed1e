"""`make bench-compare REV=<revision>`: the search page and a booking request, this checkout against another
revision, measured in turn on the same machine at the same time.

This machine's speed moves by a quarter within minutes (benchmarks/README.md), more than most single changes
buy, so two `make bench` runs an hour apart cannot tell them apart. Here both versions serve the same
database (`talentpool_bench`, prepared as `make bench` does) from two gunicorns, and the requests alternate
between them in blocks: the floor, the benchmark's 200 searches twice, the relevance set's 91 sentences, and
380 booking requests. The other revision is checked out in a temporary git worktree, removed afterwards. It
runs on this checkout's schema: fine for a revision whose migrations are a prefix of this one's, which adds
columns, indexes and triggers it ignores (so an index's change, as migration 0023's, shows on both rows).
"""

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import run  # noqa: E402 (sets the database, settings and cache for this process first)

BLOCK = 20  # searches to one server before the other's turn


def servers_start(worktree: Path) -> dict[str, tuple[subprocess.Popen, int]]:
    servers = {}
    for name, cwd, port in (("other", worktree, run.PORT + 1), ("this", ROOT, run.PORT + 2)):
        command = [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
        command += ["-w", "2", "-k", "gthread", "--threads", "8", "--log-level", "warning"]
        servers[name] = (subprocess.Popen(command, cwd=cwd, env={**os.environ}), port)
    for proc, port in servers.values():
        run.BASE = f"http://127.0.0.1:{port}"
        run.gunicorn_wait(proc)
    return servers


def on(servers, name: str) -> None:
    run.BASE = f"http://127.0.0.1:{servers[name][1]}"


def measure(servers) -> dict[str, dict[str, list[float]]]:
    from councils.models import User

    officer = User.objects.filter(email__startswith="booking-officer@", email__endswith=".bench.example").order_by(
        "pk"
    )[0]
    results: dict[str, dict[str, list[float]]] = {
        name: {"floor": [], "search": [], "sentence": [], "booking": []} for name in servers
    }
    searches_measure(servers, officer, results)
    bookings_measure(servers, officer, results)
    return results


def searches_measure(servers, officer, results) -> None:
    """The floor and the benchmark's 200 searches, twice, the servers taking turns a block at a time; then the
    sentences."""
    from django.utils import timezone

    from talentpool.models import ServiceArea, Skill
    from talentpool.tasks import search_lists_refresh
    from talentpool.weeks import first_future_monday

    viewer = run.signed_in(officer)
    search_lists_refresh()
    skills = list(Skill.objects.filter(controlled=True).values_list("pk", flat=True))
    areas = list(ServiceArea.objects.values_list("code", flat=True))
    first = first_future_monday(timezone.localdate())
    rng = random.Random(7)
    searches = [run.search_params(i, rng=rng, first=first, skills=skills, areas=areas) for i in range(200)]

    def timed(name, path, **kwargs) -> float:
        on(servers, name)
        return run.timed(viewer, "GET", path, **kwargs)[1]["server_ms"]

    for name in servers:  # warm both
        for _ in range(30):
            timed(name, run.FLOOR_PATH)
        for params in searches[:30]:
            timed(name, "/pool/search/", params=params)
    for _round in range(2):
        for block in range(len(searches) // BLOCK):
            for name in ("other", "this") if block % 2 == 0 else ("this", "other"):
                results[name]["floor"] += [timed(name, run.FLOOR_PATH) for _ in range(10)]
                for params in searches[block * BLOCK : (block + 1) * BLOCK]:
                    results[name]["search"].append(timed(name, "/pool/search/", params=params))
    sentences_measure(servers, viewer, results)


def sentences_measure(servers, viewer, results) -> None:
    """The relevance set's sentences (run.sentence_measure), each once to each server, which goes first
    alternating: the first to see a sentence also counts its words for the shared cache."""
    for i, q in enumerate(run.sentences_of_the_set()):
        for name in ("other", "this") if i % 2 == 0 else ("this", "other"):
            on(servers, name)
            results[name]["sentence"].append(run.timed(viewer, "GET", "/pool/search/", params={"q": q})[1]["server_ms"])


def bookings_measure(servers, officer, results) -> None:
    """380 booking requests of distinct open weeks, ten to one server, then ten to the other."""
    from django.utils import timezone

    from talentpool.models import SlotStatus, WeekSlot
    from talentpool.weeks import first_future_monday

    slots = list(
        WeekSlot.objects.filter(status=SlotStatus.OPEN, week_start__gte=first_future_monday(timezone.localdate()))
        .exclude(profile__council_id=officer.council_id)
        .order_by("?")
        .values_list("profile_id", "week_start")[:400]
    )
    booker = run.signed_in(officer)
    on(servers, "this")
    token = run.booking_token(booker, *slots[0])
    for i, (profile_id, week) in enumerate(slots):
        name = ("other", "this")[(i // 10) % 2]
        on(servers, name)
        sample = run.booking_post(booker, token, profile_id, week)[1]
        if i >= 20:  # each server's first ten warm it up
            results[name]["booking"].append(sample["server_ms"])


def report(results, rev: str) -> None:
    print(
        f"\n{'':28} {'floor':>7} {'search median':>14} {'p95':>7} {'x floor':>8}"
        f" {'sentences median':>17} {'p95':>7} {'booking':>8} {'x floor':>8}"
    )
    for name, label in (("other", rev), ("this", "this checkout")):
        r = results[name]
        floor = statistics.median(r["floor"])
        search, sentence, booking = sorted(r["search"]), sorted(r["sentence"]), sorted(r["booking"])
        s_med, b_med = statistics.median(search), statistics.median(booking)
        print(
            f"{label[:28]:28} {floor:>7.1f} {s_med:>14.1f} {run.pct(search, 95):>7.1f} {s_med / floor:>8.1f}"
            f" {statistics.median(sentence):>17.1f} {run.pct(sentence, 95):>7.1f}"
            f" {b_med:>8.1f} {b_med / floor:>8.1f}"
        )
    print("(server milliseconds; each figure from the same minutes as the other row's)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", help="the revision to compare this checkout with, e.g. HEAD~3")
    rev = parser.parse_args().rev
    run.ensure_database()
    import django

    django.setup()
    run.data_prepare()
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        worktree = Path(tmp) / "other"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(worktree), rev], cwd=ROOT, check=True)
        try:
            servers = servers_start(worktree)
            try:
                report(measure(servers), rev)
            finally:
                for proc, _port in servers.values():
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(timeout=30)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
