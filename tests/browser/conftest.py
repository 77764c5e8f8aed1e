"""Headless Chromium (Debian's) driven by Playwright against pytest-django's live server, with axe."""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Playwright's sync API runs an event loop in this thread while it
    lives, so Django's async-safety check is relaxed for exactly that time (the tests' own ORM calls are
    synchronous); it is restored before the next module's tests."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class AccessibilityAudit:
    """Runs axe on each page visited; the test asserts at the end that nothing was found anywhere."""

    def __init__(self):
        self.axe = Axe()
        self.pages: list[str] = []
        self.violations: list[str] = []

    def check(self, page):
        results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        self.pages.append(page.url)
        for violation in results.response["violations"]:
            targets = [", ".join(node["target"]) for node in violation["nodes"]]
            self.violations.append(
                f"{page.url}: {violation['id']} ({violation['impact']}) {violation['help']} at {targets}"
            )


@pytest.fixture
def axe():
    return AccessibilityAudit()


@pytest.fixture
def page_without_js(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class MirroredAudit:
    """axe needs scripts to run, so each page the JavaScript-off browser reaches is opened again, with the
    same cookies, in a JavaScript-on page, and checked there."""

    def __init__(self, audit, mirror):
        self.audit, self.mirror = audit, mirror

    def check(self, page):
        self.mirror.context.clear_cookies()
        self.mirror.context.add_cookies(page.context.cookies())
        self.mirror.goto(page.url)
        self.audit.check(self.mirror)


@pytest.fixture
def mirrored_axe(browser, live_server, axe):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    yield MirroredAudit(axe, context.new_page())
    context.close()
