"""Page sections: a page owned by a lower app shows what a higher app knows (the home page shows each
app's part; a specialist's profile shows the feedback kept by bookings) without importing it. The
higher app registers a function from its AppConfig.ready; the page asks for every section's context."""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

Section = Callable[..., dict[str, Any]]
_sections: defaultdict[str, list[Section]] = defaultdict(list)


def section_register(page: str, section: Section) -> Section:
    if section not in _sections[page]:
        _sections[page].append(section)
    return section


def sections_context(page: str, request: HttpRequest, **objects: Any) -> dict[str, Any]:
    """Every registered section's context for `page`, merged in registration order (the apps' order)."""
    context: dict[str, Any] = {}
    for section in _sections[page]:
        context.update(section(request, **objects))
    return context


SHORTLIST = 5  # a home page list shows this many and says how many more there are


@dataclass
class Shortlist:
    """The first few of a list and how many it holds in all: a home page lists what waits without growing
    with it ("and 295 more", linked to the page that lists them all). Iterates over the few; true when
    the list holds anything."""

    items: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)

    def __iter__(self) -> Iterator:
        return iter(self.items)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count


def shortlist(rows: QuerySet | list, size: int = SHORTLIST) -> Shortlist:
    """The first `size` of `rows`; a query reads one more than that, and counts only when there are more."""
    if isinstance(rows, list):
        return Shortlist(rows[:size], len(rows))
    items = list(rows[: size + 1])
    if len(items) <= size:
        return Shortlist(items, len(items))
    return Shortlist(items[:size], rows.count())
