"""What platform staff see on the home page (core.sections): councils by onboarding state, who joined
lately, and the latest settlement months."""

from datetime import timedelta

from django.utils import timezone

from councils import selectors as council_selectors
from payments import selectors as payment_selectors
from payments.settlement import next_month

RECENT_DAYS = 14  # councils and people who joined within this many days are on staff's home page
MONTHS_SHOWN = 3  # the latest settlement months on staff's home page
COUNCILS_NAMED = 10  # councils named with their new members; the rest are counted


def home_tasks(request) -> dict:
    """Four queries: councils by status, councils that joined or finished setting up lately, new members
    by council, and the latest settlement runs with their invoice counts and totals."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return {}
    since = timezone.now() - timedelta(days=RECENT_DAYS)
    this_month = timezone.localdate().replace(day=1)
    members = council_selectors.members_joined_by_council(since=since)
    return {
        "platform_tasks": {
            "counts": council_selectors.council_counts(),
            "recent_days": RECENT_DAYS,
            "councils_joined": _latest_per_council(council_selectors.councils_joined_since(since=since)[:40])[:20],
            "members_joined": members[:COUNCILS_NAMED],
            "members_joined_total": sum(row["joined"] for row in members),
            "members_councils_more": max(len(members) - COUNCILS_NAMED, 0),
            "runs": list(payment_selectors.settlement_runs()[:MONTHS_SHOWN]),
            "this_month": this_month,
            "next_settlement": next_month(this_month),
        }
    }


def _latest_per_council(changes) -> list:
    """Each council once, at its latest move (one that joined and finished setting up shows as active)."""
    seen: set[int] = set()
    latest = []
    for change in changes:
        if change.council_id not in seen:
            seen.add(change.council_id)
            latest.append(change)
    return latest
