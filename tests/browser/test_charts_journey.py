"""The chart pages with JavaScript off, on the demo and its history: each audience reaches its charts from
the navigation, changes the period (and, for staff, the nation) with the filter form, the address keeps
them, a table opens with one click, and the CSV downloads. axe on every page."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.helpers import sign_in, sign_out
from tests.browser.test_home_journeys import DEMO_PASSWORD, _demo_with_history

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_audience_reads_its_charts_without_javascript(page_without_js, mirrored_axe, axe):
    _demo_with_history()
    cache.clear()
    page = page_without_js
    journeys = [
        (
            "platform@talentpool.example",
            "Charts",
            "The pool at a glance",
            "Hours booked, by the month of the week booked",
        ),
        ("admin@leeds.gov.uk", "Charts", "Your council at a glance", "Hours given and received, by month"),
        ("finance@bristol.gov.uk", "Money charts", "Money over time", "What is outstanding, by age"),
    ]
    for email, nav, heading, chart in journeys:
        sign_in(page, mirrored_axe, email, DEMO_PASSWORD)
        page.get_by_role("link", name=nav, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        svg = page.locator(f"section:has(h2:text-is('{chart}')) svg[role=img]")
        expect(svg).to_have_count(1)
        assert svg.locator("> title").text_content() == chart
        mirrored_axe.check(page)

        page.get_by_label("Period", exact=True).select_option("6 months")
        if nav == "Charts" and "platform" in email:
            page.get_by_label("Nation", exact=True).select_option("Wales")
        page.get_by_role("button", name="Show the figures").click()
        assert "months=6" in page.url
        expect(page.get_by_text("Showing 6 months")).to_be_visible()
        section = page.locator(f"section:has(h2:text-is('{chart}'))")
        section.get_by_text("Show the figures as a table").click()
        expect(section.locator("table")).to_be_visible()
        mirrored_axe.check(page)
        with page.expect_download() as download:
            section.get_by_role("link", name="Download these figures as CSV").click()
        assert download.value.suggested_filename.endswith(".csv")
        sign_out(page, mirrored_axe)
    assert axe.violations == [], "\n".join(axe.violations)
