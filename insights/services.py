"""Keeping the charts' figures ready: each page's figures are cached per audience and filter. A council's
figures are cheap (tens of milliseconds) and kept for 5 minutes. The platform's read the whole history
(hundreds of milliseconds at national scale), so every period and nation is worked out each night
(`platform_figures_refresh`, beat at 00:05, just after the day and so the period turns) and kept until the
next night's; a combination asked for before then is worked out once and kept as long."""

from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone

from councils.models import Nation

from . import selectors
from .forms import PERIODS
from .selectors import Period

COUNCIL_CACHE_SECONDS = 300
PLATFORM_CACHE_SECONDS = 26 * 3600


def _key(audience: str, period: Period, nation: str) -> str:
    return f"insights:{audience}:{period.today}:{period.months}:{nation.replace(' ', '-')}"


def figures_cached(*, audience: str, period: Period, nation: str, compute: Callable[[], dict], seconds: int) -> dict:
    """The figures, from the cache or worked out now (and kept `seconds`); `computed_at` says when."""
    key = _key(audience, period, nation)
    found = cache.get(key)
    if found is None:
        found = {**compute(), "computed_at": timezone.now()}
        cache.set(key, found, seconds)
    return found


def platform_figures(*, period: Period, nation: str) -> dict:
    return figures_cached(
        audience="platform",
        period=period,
        nation=nation,
        compute=lambda: selectors.platform_figures(period=period, nation=nation),
        seconds=PLATFORM_CACHE_SECONDS,
    )


def platform_figures_refresh() -> int:
    """Work out the platform's figures for every period and nation, today's, replacing any kept."""
    today = timezone.localdate()
    done = 0
    for months, _label in PERIODS:
        for nation in ["", *Nation.values]:
            period = Period(months=int(months), today=today)
            figures = {**selectors.platform_figures(period=period, nation=nation), "computed_at": timezone.now()}
            cache.set(_key("platform", period, nation), figures, PLATFORM_CACHE_SECONDS)
            done += 1
    return done


def council_figures(*, council_id: int, period: Period) -> dict:
    return figures_cached(
        audience=f"council:{council_id}",
        period=period,
        nation="",
        compute=lambda: selectors.council_figures(council_id=council_id, period=period),
        seconds=COUNCIL_CACHE_SECONDS,
    )


def finance_figures(*, council_id: int, period: Period) -> dict:
    return figures_cached(
        audience=f"finance:{council_id}",
        period=period,
        nation="",
        compute=lambda: selectors.finance_figures(council_id=council_id, period=period),
        seconds=COUNCIL_CACHE_SECONDS,
    )
