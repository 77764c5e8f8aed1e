"""Reads of single sign-on: whose domain signs in where, and the allauth apps the settings stand for."""

from allauth.socialaccount.models import SocialApp
from django.db.models import QuerySet

from councils.models import CouncilDomain, CouncilStatus, User
from councils.services import email_normalised

from .crypto import secret_decrypt
from .models import SingleSignOn, SsoStatus

PROVIDER_PREFIX = "council-"


def sso_of_council(*, council_id: int) -> SingleSignOn | None:
    return SingleSignOn.objects.select_related("council").filter(council_id=council_id).first()


def sso_for_email(*, email: str) -> SingleSignOn | None:
    """The single sign-on that is on for this address's council, if any (only an active council's): the
    council of the account with this address where there is one, else the council whose registered domain
    the address is on (someone not yet here signs in through the council their address belongs to)."""
    email = email_normalised(email)
    account_council = User.objects.filter(email=email).values_list("council_id", flat=True).first()
    match: int | None
    if account_council is not None:
        match = account_council
    else:
        domain = email.rpartition("@")[2]
        match = CouncilDomain.objects.filter(domain=domain).values_list("council_id", flat=True).first()
    if match is None:
        return None
    return (
        SingleSignOn.objects.select_related("council")
        .filter(council_id=match, status=SsoStatus.ON, council__status=CouncilStatus.ACTIVE)
        .first()
    )


def sso_for_provider(*, provider_id: str) -> SingleSignOn | None:
    """The settings an allauth provider id ("council-<slug>") stands for, whatever their state."""
    if not provider_id.startswith(PROVIDER_PREFIX):
        return None
    slug = provider_id.removeprefix(PROVIDER_PREFIX)
    return SingleSignOn.objects.select_related("council").filter(council__slug=slug).first()


def sso_awaiting_check() -> QuerySet[SingleSignOn]:
    return SingleSignOn.objects.select_related("council", "changed_by").order_by("status", "-changed_at")


def social_app(sso: SingleSignOn) -> SocialApp:
    """The allauth OpenID Connect app for one council (not stored: built from the council's settings, so
    the secret stays encrypted at rest). Claims are read from the ID token alone, whose signature, issuer,
    audience and expiry are checked (sso.provider); PKCE on."""
    return SocialApp(
        provider="openid_connect",
        provider_id=sso.provider_id,
        name=sso.council.short_name,
        client_id=sso.client_id,
        secret=secret_decrypt(sso.secret_encrypted),
        settings={
            "server_url": sso.server_url,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": False,
            "hidden": True,
            "scope": ["openid", "email", "profile"],
        },
    )


def social_apps_on() -> list[SocialApp]:
    """Every council's app that people may sign in through (on, council active)."""
    on = SingleSignOn.objects.select_related("council").filter(
        status=SsoStatus.ON, council__status=CouncilStatus.ACTIVE
    )
    return [social_app(sso) for sso in on]
