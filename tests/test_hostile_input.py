"""Hostile and malformed input: every form, every query-string filter and every address with a parameter
answers with a page (a clear message, or a success), never a 500, and a refused submission writes nothing.

Forms are found from the access matrix: every address whose GET page, for someone allowed, holds a
POST form. Field names, choices and current values are read from that page, so a new form is covered
without an entry. Besides random submissions (hypothesis), each date field is sent bad and partly filled
dates, each one-line text field control characters, and each address parameter hostile values, and each
must be refused with its message.
"""

import os
import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import resolve
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
            "Eve Example\r\nBcc: x@y.example",
            "a\tb",
            "\x1b[31mred",
            "\u202eelpmaxE",
            "a\u2028b",
            "-2026",
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


# --- each field, on purpose ---------------------------------------------------------------------------
#
# The random submissions above rarely send a date with only its year missing, or a line break in the
# middle of a name. These send exactly that to every field of its kind, on top of the values the page
# shows (so the rest of the form is as a person would leave it), and want that field's own message.

_ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


@dataclass
class PageForm:
    """One POST form of a page: where it posts, what it would send as shown, and its fields by kind."""

    page: str  # the access-matrix name of the page
    who: str
    action: str
    values: dict[str, str | list[str]] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)  # one-line inputs: name -> attributes
    dates: list[str] = field(default_factory=list)  # date inputs (day, month and year boxes)


def read_form(page: str, who: str, action: str, form: str) -> PageForm:
    found = PageForm(page, who, action)
    found.dates = re.findall(r'class="govuk-date-input" id="id_([^"]+)"', form)
    boxes = {f"{name}_{i}" for name in found.dates for i in range(3)}
    for tag in re.findall(r"<input\b([^>]*)>", form, flags=re.I):
        attrs = {k.lower(): unescape(v or "") for k, v in _ATTRIBUTE.findall(tag)}
        name, kind = attrs.get("name"), attrs.get("type", "text").lower()
        if not name or name == "csrfmiddlewaretoken":
            continue
        if kind in ("checkbox", "radio"):
            if "checked" in attrs:
                found.values.setdefault(name, []).append(attrs.get("value", "on"))
            continue
        found.values[name] = attrs.get("value", "")
        if kind in ("text", "search", "email", "url") and name not in boxes:
            found.texts[name] = attrs
    submit = re.search(r'<(?:button|input)\b[^>]*type="submit"[^>]*>', form, flags=re.I)
    if submit:  # the button a person presses is sent too (allauth's e-mail page acts on its name)
        attrs = {k.lower(): unescape(v or "") for k, v in _ATTRIBUTE.findall(submit.group(0))}
        if attrs.get("name"):
            found.values[attrs["name"]] = attrs.get("value", "")
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, flags=re.S | re.I):
        found.values[name] = unescape(body.removeprefix("\n"))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S | re.I):
        options = re.findall(r'<option([^>]*)value="([^"]*)"', body)
        chosen = [unescape(v) for a, v in options if "selected" in a] or [unescape(v) for _a, v in options[:1]]
        if chosen:
            found.values[name] = chosen[0]
    return found


_page_forms_cache: dict[str, list[PageForm]] = {}


def all_page_forms(w) -> list[PageForm]:
    """Every POST form on every form page, as the person allowed there sees it."""
    if "all" not in _page_forms_cache:
        found = []
        for name in FORM_PAGES:
            entry = MATRIX[name]
            who, url = person_for(entry), entry.ok(w)
            response, _ = call(w, who, "get", url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            for attrs, form in re.findall(r"<form([^>]*method=\"post\"[^>]*)>(.*?)</form>", html, flags=re.S | re.I):
                action = re.search(r'action="([^"]+)"', attrs)
                found.append(read_form(name, who, unescape(action.group(1)) if action else url, form))
        _page_forms_cache["all"] = found
    return _page_forms_cache["all"]


def refused_with(response, wrote, message: str | None) -> str | None:
    """Why the response is not a refusal on the page with `message` (None: it is)."""
    if response.status_code != 200:
        return f"status {response.status_code}"
    if wrote:
        return "wrote to the database"
    html = unescape(response.content.decode())
    if "govuk-error-summary" not in html and "govuk-error-message" not in html:
        return "no error shown"
    if message and message not in html:
        return f"no “{message}” on the page"
    return None


DATES = {
    "20-digit year": (["1", "3", "99999999999999999999"], "must include a year with 4 numbers"),
    "5,000-digit year": (["1", "3", "9" * 5000], "must include a year with 4 numbers"),
    "negative year": (["1", "3", "-2027"], "must be a real date"),
    "year -1": (["1", "3", "-1"], "must be a real date"),
    "year 0": (["1", "3", "0"], "must include a year with 4 numbers"),
    "two-digit year": (["1", "3", "27"], "must include a year with 4 numbers"),
    "year 1066": (["1", "3", "1066"], "must be between 1 January"),
    "year 9999": (["1", "3", "9999"], "must be between 1 January"),
    "no year": (["1", "3", ""], "must include a year"),
    "no month": (["1", "", "2027"], "must include a month"),
    "no day": (["", "3", "2027"], "must include a day"),
    "year only": (["", "", "2027"], "must include a day and month"),
    "day only": (["14", "", ""], "must include a month and year"),
    "31 February": (["31", "2", "2027"], "must be a real date"),
    "month 13": (["1", "13", "2027"], "must be a real date"),
    "words": (["first", "March", "next year"], "must be a real date"),
    "decimal day": (["1.5", "3", "2027"], "must be a real date"),
    "line break": (["1", "3\r\n4", "2027"], "must be a real date"),
}


@pytest.mark.parametrize("case", sorted(DATES))
def test_every_date_field_refuses_a_bad_or_partly_filled_date_with_its_message(world, case):  # noqa: F811
    parts, message = DATES[case]
    problems, tried = [], 0
    for form in all_page_forms(world):
        for name in form.dates:
            payload = {**form.values, **{f"{name}_{i}": part for i, part in enumerate(parts)}}
            response, wrote = call(world, form.who, "post", form.action, data=payload)
            tried += 1
            if problem := refused_with(response, wrote, message):
                problems.append(f"{form.page} {name}: {problem}")
    assert tried >= 4, "the approval end date, the weekly hours' start and end dates and the payment date"
    assert problems == [], "\n".join(problems)


def test_the_date_fields_are_found(world):  # noqa: F811
    found = {(form.page, name) for form in all_page_forms(world) for name in form.dates}
    assert {
        ("talentpool:approval", "ends_on"),
        ("talentpool:hours", "starts_on"),
        ("talentpool:hours", "ends_on"),
        ("payments:pay", "paid_on"),
    } <= found


def test_a_valid_date_on_the_pages_own_values_is_taken(world):  # noqa: F811
    """The pages' own values plus a good date do get through: the refusals above are the date's."""
    forms = {form.page: form for form in all_page_forms(world) if form.dates}
    hours = forms["talentpool:hours"]
    later = world.monday.replace(year=world.monday.year + 1)
    payload = {**hours.values, "ends_on_0": str(later.day), "ends_on_1": str(later.month), "ends_on_2": str(later.year)}
    response, wrote = call(world, hours.who, "post", hours.action, data=payload)
    assert response.status_code == 302
    assert wrote


CONTROL = {
    "CR LF": "Eve Example\r\nBcc: x@y.example",
    "LF": "Eve\nExample",
    "tab": "Eve\tExample",
    "escape": "Eve\x1b[31mExample",
    "right-to-left override": "Eve \u202eelpmaxE",
    "line separator": "Eve\u2028Example",
}
OUR_MESSAGE = "must not include line breaks, tabs or hidden characters"
# Inputs whose own refusal says something else: numbers, e-mail addresses, and allauth's codes and keys.
OTHER_MESSAGES = ("must be a number", "must be an amount", "must be a whole number", "number, like", "e-mail", "code")


@pytest.mark.parametrize("case", sorted(CONTROL))
def test_every_one_line_text_field_refuses_control_characters_with_its_message(world, case):  # noqa: F811
    problems, tried = [], 0
    for form in all_page_forms(world):
        for name, attrs in form.texts.items():
            cache.clear()  # allauth's rate limits count these posts
            response, wrote = call(world, form.who, "post", form.action, data={**form.values, name: CONTROL[case]})
            tried += 1
            ours = attrs.get("type", "text") in ("text", "search") and not attrs.get("inputmode")
            problem = refused_with(response, wrote, OUR_MESSAGE if ours else None)
            if problem is None and not ours:
                html = unescape(response.content.decode())
                if OUR_MESSAGE not in html and not any(words in html for words in OTHER_MESSAGES):
                    problem = "no message about the field"
            if problem:
                problems.append(f"{form.page} {name}: {problem}")
    assert tried >= 40
    assert problems == [], "\n".join(problems)


def test_the_one_line_text_fields_are_found(world):  # noqa: F811
    found = {(form.page, name) for form in all_page_forms(world) for name in form.texts}
    assert {
        ("account_signup", "full_name"),
        ("invitation_accept", "full_name"),
        ("council:invite", "full_name"),
        ("platform:council_invite", "full_name"),
        ("talentpool:profile_edit", "headline"),
        ("talentpool:profile_edit", "own_tags"),
        ("talentpool:project_add", "title"),
        ("payments:pay", "reference"),
        ("council:finance", "bank_account_name"),
        ("council:finance", "vat_number"),
        ("payments:bank_vat", "bank_sort_code"),
    } <= found
    request_week = [form for form in all_page_forms(world) if form.page == "bookings:request_week"]
    assert {"po_number", "cost_centre"} <= set(request_week[0].texts)


@pytest.mark.parametrize(
    ("name", "param"), [("talentpool:search", "q"), ("platform:dashboard", "q")], ids=["search", "councils"]
)
@pytest.mark.parametrize("case", sorted(CONTROL))
def test_a_search_box_refuses_control_characters_with_its_message(world, name, param, case):  # noqa: F811
    who = SEARCHES[name][0]
    response, wrote = call(world, who, "get", MATRIX[name].ok(world), data={param: CONTROL[case]})
    assert response.status_code == 200
    assert not wrote
    html = unescape(response.content.decode())
    assert "Your search must not include line breaks, tabs or hidden characters" in html
    assert "govuk-error-summary" in html


# --- every address with a parameter -------------------------------------------------------------------

HOSTILE_SEGMENTS = {
    "20 digits": "99999999999999999999",
    "zero": "0",
    "negative": "-1",
    "CR LF": quote("x\r\nBcc: x@y"),
    "escape": quote("\x1b[31m"),
    "right-to-left override": quote("\u202e1"),
    "NUL": "%00",
    "not a date": "2026-02-30",
    "dot dot": "..",
    "long": "9" * 400,
    "quote": quote("'; DROP TABLE councils_council; --"),
}


def parameterised_urls(w):
    """(matrix name, who may reach it, its address, the address's parameters as they appear in it)."""
    for name in sorted(MATRIX):
        entry = MATRIX[name]
        url = entry.ok(w)
        match = resolve(url.split("?")[0])
        if match.kwargs or match.args:
            values = [str(v) for v in [*match.args, *match.kwargs.values()]]
            yield name, person_for(entry) or ANONYMOUS, url, [quote(v) for v in values]


@pytest.mark.parametrize("case", sorted(HOSTILE_SEGMENTS))
def test_every_address_parameter_takes_hostile_values_without_a_500_or_a_write(world, case):  # noqa: F811
    hostile = HOSTILE_SEGMENTS[case]
    problems, tried = [], 0
    for name, who, url, values in parameterised_urls(world):
        for value in values:
            bad = url.replace(f"/{value}/", f"/{hostile}/", 1)
            if bad == url:  # two parameters in one segment (allauth's uidb36-key)
                head, _, tail = url.rpartition(value)
                bad = head + hostile + tail
            assert bad != url, (name, url, value)
            for method in ("get", "post"):
                response, wrote = call(world, who, method, bad)
                tried += 1
                want_400 = case == "NUL"
                if response.status_code >= 500 or wrote or (want_400 and response.status_code != 400):
                    problems.append(f"{method.upper()} {bad} ({name}) as {who}: {response.status_code}, wrote={wrote}")
    assert tried >= 80
    assert problems == [], "\n".join(problems)
