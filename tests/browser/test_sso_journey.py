"""Single sign-on end to end with JavaScript off, through a real OpenID Connect provider: the council
administrator sets it up, platform staff check and turn it on, and an officer's first sign-in goes to the
council's provider (discovery, redirect, the provider's login page, callback), links their account, and
signs out. axe on every page of ours (the provider's login page is the provider's)."""

import pytest
from allauth.socialaccount.models import SocialAccount
from playwright.sync_api import expect

from councils.models import CouncilDomain, User
from tests.browser.helpers import sign_in, sign_out
from tests.conftest import PASSWORD
from tests.sso.provider import oidc_provider

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID, SECRET = "talent-pool-alphaton", "alphaton-client-secret"
USERS = {
    "officer": {"email": "officer@alphaton.gov.uk", "email_verified": True, "name": "Olu Officer"},
    "unverified": {"email": "una@alphaton.gov.uk", "email_verified": False, "name": "Una Verified"},
}


def _no_web_fonts(page):
    page.route("**/fonts.googleapis.com/**", lambda route: route.abort())
    page.route("**/fonts.gstatic.com/**", lambda route: route.abort())


def test_set_up_check_and_sign_in_with_the_council_account(
    page_without_js, page, mirrored_axe, axe, live_server, council_admin, staff, officer
):
    CouncilDomain.objects.get_or_create(council=council_admin.council, domain="alphaton.gov.uk")
    callback = f"{live_server.url}/accounts/oidc/council-alphaton/login/callback/"
    clients = [{"client_id": CLIENT_ID, "client_secret": SECRET, "redirect_uris": [callback]}]
    browser_page = page_without_js
    _no_web_fonts(browser_page)
    with oidc_provider(clients=clients, users=USERS) as issuer:
        # the administrator saves the settings
        sign_in(browser_page, mirrored_axe, council_admin.email)
        browser_page.goto("/council/single-sign-on/")
        mirrored_axe.check(browser_page)
        expect(browser_page.get_by_text(callback)).to_be_visible()
        browser_page.get_by_label("Another OpenID Connect provider").check()
        browser_page.get_by_label("Issuer URL (other providers only)").fill(issuer)
        browser_page.get_by_label("Application (client) ID").fill(CLIENT_ID)
        browser_page.get_by_label("Client secret").fill(SECRET)
        browser_page.get_by_label("Yes, as well as with their council account").check()
        browser_page.get_by_role("button", name="Save and send for checking").click()
        expect(browser_page.get_by_text("Waiting for a check by platform staff")).to_be_visible()
        assert SECRET not in browser_page.content()
        mirrored_axe.check(browser_page)
        sign_out(browser_page, mirrored_axe)

        # platform staff check the provider answers and turn it on
        sign_in(browser_page, mirrored_axe, staff.email)
        browser_page.goto("/platform/single-sign-on/")
        mirrored_axe.check(browser_page)
        browser_page.get_by_role("link", name="Alphaton").click()
        expect(browser_page.get_by_text("Provider answered.")).to_be_visible()
        mirrored_axe.check(browser_page)
        browser_page.get_by_label("Yes, turn single sign-on on").check()
        browser_page.get_by_role("button", name="Save the check").click()
        expect(browser_page.get_by_text("Single sign-on is on for Alphaton")).to_be_visible()
        sign_out(browser_page, mirrored_axe)

        # the officer signs in with the council account for the first time
        browser_page.goto("/accounts/login/")
        browser_page.get_by_label("Work e-mail address").fill(officer.email)
        browser_page.get_by_role("button", name="Continue").click()
        expect(browser_page.get_by_role("heading", level=1)).to_have_text("Sign in with your council account")
        browser_page.get_by_role("button", name="Continue with your council account").click()
        # the provider's own login page, on its own address
        assert browser_page.url.startswith(issuer)
        browser_page.locator("input[name=login]").fill("officer")
        browser_page.locator("input[name=password]").fill("any password")
        browser_page.locator("button[type=submit]").click()
        assert browser_page.url.startswith(live_server.url)
        expect(browser_page.get_by_role("link", name="Sign out")).to_be_visible()
        mirrored_axe.check(browser_page)
        assert SocialAccount.objects.get(user=officer).provider == "council-alphaton"
        sign_out(browser_page, mirrored_axe)
        expect(browser_page.get_by_role("link", name="Sign in")).to_be_visible()

        # the council-account step, checked by axe with scripts on (it is the answer to a POST)
        page.goto("/accounts/login/")
        page.get_by_label("Work e-mail address").fill(officer.email)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name="Continue with your council account")).to_be_visible()
        axe.check(page)

        # a refused sign-in says why, and makes no account
        _no_web_fonts(page)
        page.get_by_role("button", name="Continue with your council account").click()
        page.locator("input[name=login]").fill("unverified")
        page.locator("input[name=password]").fill("any password")
        page.locator("button[type=submit]").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")
        expect(page.get_by_text("has not verified your e-mail address")).to_be_visible()
        axe.check(page)
        assert not User.objects.filter(email="una@alphaton.gov.uk").exists()

        # the provider's login address opened directly (a bookmark) asks before leaving, and works
        page.goto("/accounts/oidc/council-alphaton/login/?next=/needs/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign in with your council account")
        axe.check(page)
        page.get_by_role("button", name="Continue with your council account").click()
        # the provider remembers this browser's last person (the unverified one): back, and refused again
        assert "/accounts/oidc/council-alphaton/login/callback/" in page.url
        expect(page.get_by_role("heading", level=1)).to_have_text("You could not be signed in")

        # the administrator, with a password still allowed, turns single sign-on off
        browser_page.goto("/accounts/login/")
        browser_page.get_by_label("Work e-mail address").fill(council_admin.email)
        browser_page.get_by_role("button", name="Continue").click()
        browser_page.get_by_role("button", name="Sign in with a password instead").click()
        browser_page.get_by_label("Password").fill(PASSWORD)
        browser_page.get_by_role("button", name="Sign in").click()
        browser_page.goto("/council/single-sign-on/turn-off/")
        mirrored_axe.check(browser_page)
        browser_page.get_by_role("button", name="Turn off single sign-on").click()
        expect(browser_page.get_by_text("Single sign-on is off.")).to_be_visible()
    assert axe.violations == [], "\n".join(axe.violations)
