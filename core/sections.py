"""Page sections: a page owned by a lower app shows what a higher app knows (the home page shows each
app's part; a specialist's profile shows the feedback kept by bookings) without importing it. The
higher app registers a function from its AppConfig.ready; the page asks for every section's context."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

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
