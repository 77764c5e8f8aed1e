"""One error summary on every form page: each POST form the access matrix's pages hold is sent empty, and
a page that comes back (refused, not redirected) shows exactly one GOV.UK error summary whose links reach
the form's controls. The search page shows its bad filters the same way.

The pages and their forms are found as the hostile-input tests find them (tests/test_hostile_input.py),
so a new form page is covered without an entry here.
"""

import pytest

from tests.markup import error_summary_problems, parse, summary_items
from tests.test_access_matrix import MATRIX, call, world  # noqa: F401 (world: a fixture)
from tests.test_hostile_input import FORM_PAGES, page_forms, person_for

pytestmark = pytest.mark.django_db


def forms_of(w, name) -> list[tuple[str, dict]]:
    """The page's POST forms (not test_hostile_input.forms_of: its cache holds that module's world's URLs)."""
    entry = MATRIX[name]
    url = entry.ok(w)
    response, _wrote = call(w, person_for(entry), "get", url)
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return []
    return page_forms(response.content.decode(), url)


@pytest.mark.parametrize("name", FORM_PAGES)
def test_a_refused_form_shows_exactly_one_error_summary(world, name):  # noqa: F811
    who = person_for(MATRIX[name])
    problems = []
    for action, _fields in forms_of(world, name):
        response, _wrote = call(world, who, "post", action, data={})
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue  # accepted (nothing to ask), or refused with a redirect and a message
        problems += [f"POST {action}: {p}" for p in error_summary_problems(parse(response.content.decode()))]
    assert problems == [], "\n".join(problems)


def test_the_refused_forms_are_found(world):  # noqa: F811
    """If posting empty forms stopped reaching refusals, the test above would check nothing."""
    refused = []
    for name in FORM_PAGES:
        for action, _fields in forms_of(world, name):
            response, _wrote = call(world, person_for(MATRIX[name]), "post", action, data={})
            if response.status_code == 200 and "govuk-error-summary" in response.content.decode():
                refused.append(name)
                break
    assert len(refused) >= 30, refused
    assert {"council:finance", "bookings:request_week", "payments:pay", "account_login"} <= set(refused)


def test_bad_search_filters_show_one_error_summary_linked_to_the_filters(world):  # noqa: F811
    response, _wrote = call(
        world, "officer", "get", MATRIX["talentpool:search"].ok(world), data={"min_hours": "lots", "sort": "x"}
    )
    root = parse(response.content.decode())
    assert error_summary_problems(root, title="There is a problem with your search") == []
    assert summary_items(root) == [
        ("#id_min_hours", "Hours must be a number, like 3 or 2.5"),
        ("#id_sort", "That sort by is not one we know"),
    ]
    assert "We searched without the filters below." in root.find_all(cls="govuk-error-summary")[0].text()
