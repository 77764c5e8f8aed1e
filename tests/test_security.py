"""Security headers, the Content Security Policy, CSRF on every form, and allauth's rate limits."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_page_carries_the_security_headers_and_a_nonce_for_its_one_inline_script(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "'unsafe-inline'" not in policy
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [f' nonce="{nonce}"']
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_nonce_differs_on_every_response(client):
    first = client.get(reverse("account_login"))["Content-Security-Policy"]
    second = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert first != second


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(council_admin, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(council_admin)
    form = client.get(reverse("council:member_roles", args=[officer.pk])).content.decode()
    assert 'name="csrfmiddlewaretoken"' in form
    response = client.post(reverse("council:member_roles", args=[officer.pk]), {"roles": ["approver"]})
    assert response.status_code == 403
    officer.refresh_from_db()
    assert officer.roles == ["booking_officer"]


def test_forms_carry_a_csrf_token(client, council_admin):
    for url, who in ((reverse("account_login"), None), (reverse("council:invite"), council_admin)):
        if who:
            client.force_login(who)
        html = client.get(url).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S | re.I)
        assert forms
        assert all("csrfmiddlewaretoken" in f for f in forms)


def test_sign_in_is_refused_after_five_wrong_passwords_even_with_the_right_one(client, officer):
    cache.clear()
    url = reverse("account_login")
    for _ in range(5):
        page = client.post(url, {"login": officer.email, "password": "wrong-password"})
        assert page.status_code == 200
    refused = client.post(url, {"login": officer.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts to sign in" in refused.content.decode()
    cache.clear()


def test_password_reset_requests_are_limited_per_address(client, officer):
    cache.clear()
    url = reverse("account_reset_password")
    answers = [client.post(url, {"email": officer.email}).status_code for _ in range(7)]
    assert answers[:5] == [302] * 5
    assert 429 in answers[5:]
    cache.clear()
