"""Sign-in, sign-up and password reset pages in a real browser: GOV.UK errors and no axe violations."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_account_pages_show_govuk_errors_and_pass_axe(page, axe):
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your e-mail address")
    expect(page).to_have_title("Error: Sign in – LocalGov Talent Pool")
    axe.check(page)
    page.get_by_label("Work e-mail address").fill("nobody@example.gov.uk")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title("Error: Sign in with your password – LocalGov Talent Pool")
    axe.check(page)
    page.get_by_role("link", name="Back").click()

    page.get_by_role("link", name="ask for an account with your work e-mail address").click()
    page.get_by_label("Full name").fill("Someone")
    page.get_by_label("Work e-mail address").fill("someone@gmail.com")
    page.get_by_label("Create a password").fill("a-long-passphrase-1")
    page.get_by_label("Confirm your password").fill("a-long-passphrase-1")
    page.get_by_role("button", name="Ask for an account").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("on a domain your council has registered")
    axe.check(page)

    page.goto("/accounts/password/reset/")
    axe.check(page)
    page.get_by_label("E-mail address").fill("nobody@example.gov.uk")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    axe.check(page)

    page.goto("/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert axe.violations == [], "\n".join(axe.violations)
