"""Each role's day starts at the home page: with the demo and its history loaded, every demo login signs in
and reaches each task its home page lists by following that link (never a typed address), finds the
action there, and comes back by the service's name in the header. With JavaScript on and off; axe
(WCAG 2.2 AA and best practice) on every page. Then one task is done, and leaves the home page."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.browser.helpers import sign_in, sign_out
from tests.factories import agreement_ensure, reference_data_ensure

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "demo-pass-2026"
SETTLED = f"{timezone.localdate().replace(day=1) - timedelta(days=1):%B %Y}"  # the history settles last month

# Each login, and for each task its home page must list: the link's text, and what the page it leads to
# must offer (a role and a name, found by Playwright's accessible queries).
TASKS = {
    "specialist@bristol.gov.uk": [
        (r"^Answer Cardiff’s request", ("button", "Accept")),
        (r"^Record your hours for the week of", ("button", "Record hours")),
        (r"^Set the hours you offer", ("heading", "Your weekly hours")),
    ],
    "officer@bristol.gov.uk": [
        (r"^Confirm or dispute Robin Clarke’s hours", ("button", "Confirm")),
        (r"^Hours in dispute: Robin Clarke", ("heading", "Robin Clarke, Leeds, for City of Bristol")),
        (r"^Leave feedback on Sam Patel’s work", ("button", "Send feedback")),
    ],
    "officer@cardiff.gov.uk": [
        (r"^Hannah Webb \(City of Bristol\) has until the end of", ("heading", "Hannah Webb, City of Bristol")),
    ],
    "approver@leeds.gov.uk": [
        (r"^“Redesigning housing repairs reporting”", ("button", "Mark verified")),
    ],
    "finance@leeds.gov.uk": [
        (r"^Cardiff disputes invoice LDS-", ("link", "Issue a credit note")),
        (rf"^statement for {SETTLED}", ("heading", f"Statement for {SETTLED}")),
    ],
    "admin@leeds.gov.uk": [
        (r"^Council set-up$", ("heading", "Your council")),
        (r"^People and invitations$", ("heading", "People")),
    ],
    "platform@talentpool.example": [
        (r"^Active: 3$", ("link", "Leeds")),
        (rf"^{SETTLED}$", ("heading", f"Settlement for {SETTLED}")),
    ],
}


def _demo_with_history():
    agreement_ensure()  # what migrations seeded may have gone with an earlier transactional test's flush
    reference_data_ensure()
    call_command("import_councils", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_demo_history", verbosity=0)


def _home(page):
    page.get_by_role("link", name="LocalGov Talent Pool").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile(r"^Hello, ")).is_visible()


def _reach_each_task(page, axe):
    for email, tasks in TASKS.items():
        sign_in(page, axe, email, DEMO_PASSWORD)
        page.wait_for_load_state()
        axe.check(page)  # the home page itself
        for link_text, (role, name) in tasks:
            _home(page)
            link = page.get_by_role("main").get_by_role("link", name=re.compile(link_text))
            assert link.count() >= 1, f"{email}: no task link {link_text!r} on the home page"
            link.first.click()
            page.wait_for_load_state()
            target = page.get_by_role(role, name=re.compile(re.escape(name))).first
            assert target.is_visible(), f"{email}: {link_text!r} led to {page.url}, which has no {role} {name!r}"
            axe.check(page)
        sign_out(page, axe)


def _confirm_hours_from_home(page, axe):
    """The officer's hours to confirm: followed from the home page and confirmed, they leave it."""
    sign_in(page, axe, "officer@bristol.gov.uk", DEMO_PASSWORD)
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^Confirm or dispute")).first.click()
    page.get_by_role("button", name=re.compile(r"^Confirm")).first.click()
    page.wait_for_load_state()
    axe.check(page)
    _home(page)
    assert page.get_by_role("main").get_by_role("link", name=re.compile(r"^Confirm or dispute")).count() == 0
    sign_out(page, axe)


def test_each_role_reaches_its_tasks_from_home_with_javascript(page, axe):
    _demo_with_history()
    _reach_each_task(page, axe)
    _confirm_hours_from_home(page, axe)
    assert not axe.violations, "\n".join(axe.violations)


def test_each_role_reaches_its_tasks_from_home_without_javascript(page_without_js, mirrored_axe, axe):
    _demo_with_history()
    _reach_each_task(page_without_js, mirrored_axe)
    _confirm_hours_from_home(page_without_js, mirrored_axe)
    assert not axe.violations, "\n".join(axe.violations)
