"""Template helpers for the pool's pages."""

import functools
from html import escape

from django import template
from django.utils.safestring import mark_safe

from core.hours import hours_text

register = template.Library()


@register.filter
def select_options(field, limit: int = 70):
    """A select's <option>s, the chosen one selected, labels cut to `limit` characters. Built in one pass
    with the standard library's escape: the search page's filters have some 600 options, which took tens
    of milliseconds as a template loop or through format_html (benchmarks/README.md); and each list's
    options are escaped once per process (_options_escaped), not on every page."""
    chosen = field.value()
    chosen = "" if chosen is None else str(chosen)
    options = _options_escaped(tuple((str(value), str(label)) for value, label in field.field.choices), limit)
    html = "".join(f"{start}{' selected' if value == chosen else ''}{end}" for value, start, end in options)
    return mark_safe(html)  # noqa: S308 - every value and label is escaped (_options_escaped)


@functools.lru_cache(maxsize=64)
def _options_escaped(choices: tuple[tuple[str, str], ...], limit: int) -> tuple[tuple[str, str, str], ...]:
    """Each option as its value and its HTML before and after where "selected" goes, escaped."""
    options = []
    for value, label in choices:
        shown = label if len(label) <= limit else label[: limit - 1] + "…"
        options.append((value, f'<option value="{escape(value)}"', f">{escape(shown)}</option>"))
    return tuple(options)


@register.filter
def open_weeks_text(profile) -> str:
    """A search result's next open weeks, "7 Dec (3 h), 14 Dec (2.5 h)" (talentpool.selectors._ShownOpenWeeks),
    in one pass: as a template loop with the date and floatformat filters, the twenty results' eighty weeks
    cost a tenth of the page's Python time."""
    weeks = [
        f"{w.day} {w:%b} ({hours_text(h)} h)" for w, h in zip(profile.shown_weeks, profile.shown_hours, strict=True)
    ]
    return ", ".join(weeks) or "None in the next 26 weeks"


MARK_START, MARK_END = "\u27e6", "\u27e7"  # what PostgreSQL's ts_headline puts round a matching word


@register.filter
def marked(text: str) -> str:
    """A title with the words a search matched marked: everything escaped first, then the markers
    ts_headline placed (selectors._for_display) turned into <mark>."""
    safe = escape(str(text)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own <mark> tags are added
