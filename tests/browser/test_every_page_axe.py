"""Every page a demo user can reach by following links, checked by axe (WCAG 2.2 AA and best practice):
each role signs in and the crawl follows the site's own links from the home page, breadth first."""

from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

from tests.browser.helpers import sign_in, sign_out
from tests.factories import agreement_ensure, reference_data_ensure

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_PASSWORD = "demo-pass-2026"
ROLES = [
    "platform@talentpool.example",
    "admin@leeds.gov.uk",
    "approver@leeds.gov.uk",
    "officer@leeds.gov.uk",
    "finance@leeds.gov.uk",
    "specialist@bristol.gov.uk",
]
PAGES_PER_ROLE = 30
# Not pages to look at: downloads, feeds, the Django admin, signing out, and the same list page by page.
SKIPPED = ("/accounts/logout", "/django-admin", "/my-data", ".csv", ".pdf", ".ics", "/calendar/", "/feed")


def _worth_visiting(url: str, origin: str) -> bool:
    parts = urlparse(url)
    if f"{parts.scheme}://{parts.netloc}" != origin or any(s in parts.path for s in SKIPPED):
        return False
    return "page=" not in parts.query and "download" not in parts.query


def _links(page) -> list[str]:
    return page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")


def test_every_page_each_role_reaches_passes_axe(page, axe, live_server, settings):
    settings.EMAIL_URL = "dummymail://"
    agreement_ensure()  # what migrations seeded may have gone with an earlier transactional test's flush
    reference_data_ensure()
    call_command("import_councils", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_demo_history", verbosity=0)  # so that lists, bookings and invoices have rows
    origin = live_server.url
    visited_all: set[str] = set()
    for email in ROLES:
        sign_in(page, axe, email, DEMO_PASSWORD)
        queue, seen = [f"{origin}/"], set()
        while queue and len(seen) < PAGES_PER_ROLE:
            url = urldefrag(queue.pop(0)).url
            if url in seen:
                continue
            seen.add(url)
            response = page.goto(url)
            assert response is not None
            assert response.status < 400, f"{email}: {url} answered {response.status}"
            axe.check(page)
            queue += [u for u in _links(page) if _worth_visiting(u, origin) and urldefrag(u).url not in seen]
        visited_all |= seen
        sign_out(page, axe)
    assert len(visited_all) >= 40, sorted(visited_all)
    assert not axe.violations, "\n".join(axe.violations)
