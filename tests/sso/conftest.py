"""A council whose single sign-on is on, through a real OpenID Connect provider started for the module."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from councils.models import CouncilDomain
from sso.crypto import secret_encrypt
from sso.models import SingleSignOn, SsoKind, SsoStatus
from tests.factories import ActiveCouncilFactory

from .provider import oidc_provider

CLIENT_ID, CLIENT_SECRET = "talent-pool-alphaton", "alphaton-client-secret"
OTHER_CLIENT_ID, OTHER_SECRET = "talent-pool-betaford", "betaford-client-secret"
CALLBACK = "http://testserver/accounts/oidc/council-{slug}/login/callback/"
USERS = {
    "ada": {"email": "admin@alphaton.gov.uk", "email_verified": True, "name": "Ada Admin"},
    "new": {"email": "new.person@alphaton.gov.uk", "email_verified": True, "name": "Nia New"},
    "invited": {"email": "invited@alphaton.gov.uk", "email_verified": True, "name": "Ivy Invited"},
    "unverified": {"email": "officer@alphaton.gov.uk", "email_verified": False, "name": "Una Verified"},
    "stranger": {"email": "someone@elsewhere.example", "email_verified": True, "name": "Sam Stranger"},
    "beta-claims-alpha": {"email": "admin@alphaton.gov.uk", "email_verified": True, "name": "Not Ada"},
}


# Alphaton's provider signs with this key, so a test can sign a token exactly as the provider would and
# change one thing in it.
PROVIDER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def provider():
    """Council A's provider (Alphaton's tenant)."""
    clients = [
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [CALLBACK.format(slug="alphaton")]}
    ]
    with oidc_provider(clients=clients, users=USERS, jwk=RSAAlgorithm.to_jwk(PROVIDER_KEY)) as issuer:
        yield issuer


@pytest.fixture(scope="module")
def other_provider():
    """Council B's provider (Betaford's tenant): another issuer with its own keys."""
    clients = [
        {
            "client_id": OTHER_CLIENT_ID,
            "client_secret": OTHER_SECRET,
            "redirect_uris": [CALLBACK.format(slug="betaford")],
        }
    ]
    with oidc_provider(clients=clients, users=USERS) as issuer:
        yield issuer


def sso_on(*, council, issuer, client_id=CLIENT_ID, secret=CLIENT_SECRET, passwords_allowed=True, domain=None):
    CouncilDomain.objects.get_or_create(council=council, domain=domain or f"{council.slug}.gov.uk")
    return SingleSignOn.objects.create(
        council=council,
        kind=SsoKind.OIDC,
        issuer=issuer,
        client_id=client_id,
        secret_encrypted=secret_encrypt(secret),
        passwords_allowed=passwords_allowed,
        status=SsoStatus.ON,
        changed_at=timezone.now(),
        checked_at=timezone.now(),
    )


@pytest.fixture
def alphaton_sso(council, provider):
    return sso_on(council=council, issuer=provider)


@pytest.fixture
def betaford():
    return ActiveCouncilFactory(code="BBB", name="Betaford City Council", short_name="Betaford", slug="betaford")


def provider_round_trip(client, *, slug: str, login: str) -> str:
    """Press "Continue with your council account", sign in at the provider's own login page as `login`
    (over HTTP, as a browser would), and return the callback address the provider sends the browser to."""
    start = client.post(f"/accounts/oidc/council-{slug}/login/", {"process": "login"})
    assert start.status_code == 302, start.content
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=10)
    action = re.search(r'<form[^>]+action="([^"]+)"', page.text).group(1)
    answer = browser.post(
        urljoin(page.url, action), data={"prompt": "login", "login": login, "password": "any"}, allow_redirects=False
    )
    while answer.is_redirect:
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith("http://testserver/"):
            return location
        answer = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"the provider did not send the browser back: {answer.status_code} {answer.text[:300]}")


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"
