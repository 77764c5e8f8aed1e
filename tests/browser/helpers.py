"""Steps shared by the browser journeys."""

from tests.conftest import PASSWORD


def sign_in(page, axe, email, password=PASSWORD):
    """The two steps: the work e-mail address, then (no single sign-on on its domain) the password."""
    page.goto("/accounts/login/")
    axe.check(page)
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page, axe):
    page.goto("/accounts/logout/")
    axe.check(page)
    page.get_by_role("button", name="Sign out").click()
