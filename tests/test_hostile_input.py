"""Hostile and malformed input (hypothesis): every form and every query-string filter answers with a page
(a clear message, or a success), never a 500, and a refused submission writes nothing.

Forms are found from the access matrix: every address whose GET page, for someone allowed, holds a
POST form. Field names and choices are read from that page, so a new form is covered without an entry.
"""

import os
import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import ANONYMOUS, MATRIX, call, world  # noqa: F401 (world: a fixture)

pytestmark = pytest.mark.django_db

# Examples per form (twice as many per filter page); HOSTILE_EXAMPLES=200 for a longer hunt.
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "12"))

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "-1",
            "0",
            "1e309",
            "NaN",
            "Infinity",
            "99999999999999999999",
            "3.14159265358979",
            "2026-02-30",
            "30/11/2026",
            "<script>alert(1)</script>",
            "'; DROP TABLE councils_council; --",
            "%",
            "../../etc/passwd",
            "x" * 5000,
            "😀" * 50,
        ]
    ),
)


def person_for(entry):
    for who in entry.allowed:
        if who not in entry.others:
            return who
    return ANONYMOUS if entry.public else None


def page_forms(html: str, page_url: str) -> list[tuple[str, dict[str, list[str]]]]:
    """The page's POST forms: (where each posts to, its fields: name → the values offered, empty for
    free text)."""
    found = []
    for attrs, form in re.findall(r"<form([^>]*method=\"post\"[^>]*)>(.*?)</form>", html, flags=re.S | re.I):
        action = re.search(r'action="([^"]+)"', attrs)
        fields: dict[str, list[str]] = {}
        found.append((unescape(action.group(1)) if action else page_url, fields))
        for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", form, flags=re.I):
            name = re.search(r'name="([^"]+)"', tag)
            if not name or name.group(1) == "csrfmiddlewaretoken":
                continue
            value = re.search(r'value="([^"]*)"', tag)
            kind = re.search(r'type="([^"]+)"', tag)
            offered = fields.setdefault(name.group(1), [])
            if kind and kind.group(1) in ("radio", "checkbox", "hidden") and value:
                offered.append(unescape(value.group(1)))
        for select, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
            fields.setdefault(select, []).extend(unescape(v) for v in re.findall(r'value="([^"]*)"', body))
    return found


FORM_PAGES = sorted(
    name
    for name, entry in MATRIX.items()
    if entry.get == 200 and person_for(entry) and not name.startswith("payments:stripe")
)
_fields_cache: dict[str, dict] = {}


def forms_of(w, name):
    if name not in _fields_cache:
        entry = MATRIX[name]
        url = entry.ok(w)
        response, _ = call(w, person_for(entry), "get", url)
        html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        _fields_cache[name] = page_forms(response.content.decode(), url) if html else []
    return _fields_cache[name]


@st.composite
def submissions(draw, fields: dict[str, list[str]]):
    data = {}
    for name, offered in fields.items():
        choice = draw(st.integers(0, 3))
        if choice == 0:
            continue  # left out
        if offered and choice == 1:
            data[name] = draw(st.sampled_from(offered))
        elif offered and choice == 2:
            data[name] = draw(st.lists(st.sampled_from(offered), max_size=3))
        else:
            data[name] = draw(HOSTILE_TEXT)
    return data


def holds_nul(payload: dict) -> bool:
    values = [v for value in payload.values() for v in (value if isinstance(value, list) else [value])]
    return any("\x00" in str(v) for v in values)


@pytest.mark.parametrize("name", FORM_PAGES)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_submission_gets_a_page_never_a_500_and_a_refusal_writes_nothing(world, name, data):  # noqa: F811
    forms = forms_of(world, name)
    if not forms:
        return  # a page with no form
    who = person_for(MATRIX[name])
    action, fields = data.draw(st.sampled_from(forms))
    payload = data.draw(submissions(fields))
    response, wrote = call(world, who, "post", action, data=payload)
    if holds_nul(payload):  # refused in one place (core.middleware), before any view
        assert response.status_code == 400, (name, action, payload, response.status_code)
        assert not wrote, (name, action, payload)
        return
    assert response.status_code in (200, 302, 429), (name, action, payload, response.status_code)
    if response.status_code == 200:
        assert not wrote, (name, action, payload)
        html = response.content.decode()
        assert "govuk-error-summary" in html or "govuk-error-message" in html, (name, action, payload)


SEARCHES = {
    "talentpool:search": ("officer", ["q", "skill", "service_area", "lgdss", "nation", "region", "council", "week",
                                "within_weeks", "min_hours", "max_rate", "sort", "page"]),
    "platform:dashboard": ("staff", ["q", "status", "nation", "page"]),
    "oversight:platform_audit": ("staff", ["type", "page"]),
    "oversight:council_audit": ("admin", ["type", "page"]),
    "bookings:list": ("officer", ["status", "page"]),
    "payments:home": ("finance", ["page"]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SEARCHES))
@settings(max_examples=2 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_query_string_gets_a_page_never_a_500(world, name, data):  # noqa: F811
    who, params = SEARCHES[name]
    query = data.draw(st.dictionaries(st.sampled_from(params), HOSTILE_TEXT, max_size=len(params)))
    response, wrote = call(world, who, "get", MATRIX[name].ok(world), data=query)
    assert response.status_code == (400 if holds_nul(query) else 200), (name, query, response.status_code)
    assert not wrote


def test_the_forms_are_found(world):  # noqa: F811
    """If the form finder broke, every test above would pass without posting anything."""
    with_forms = [name for name in FORM_PAGES if forms_of(world, name)]
    assert len(with_forms) >= 30
    assert {"council:finance", "bookings:request_week", "payments:pay", "talentpool:profile_edit"} <= set(with_forms)
