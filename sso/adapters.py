"""django-allauth's social-account hooks for council single sign-on: each council's OpenID Connect app comes
from its settings (sso.selectors.social_app), a sign-in is checked and linked by sso.services, and a
refused or failed one shows a page saying why (and is audited). Nobody signs up through allauth's own
social sign-up form: the account is found or made before allauth looks (sso_sign_in_account)."""

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.shortcuts import render

from . import selectors, services


def refusal_page(request, *, sso, reason: str, status: int = 403):
    return render(request, "sso/refused.html", {"sso": sso, "reason": reason}, status=status)


def claims_of(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token") or data.get("userinfo") or {}


class CouncilSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        if provider and provider != "openid_connect":
            sso = selectors.sso_for_provider(provider_id=provider)
            # whatever its state: a sign-in begun before it was turned off reaches pre_social_login, which
            # refuses it saying why
            apps = [selectors.social_app(sso)] if sso is not None else []
        else:
            apps = selectors.social_apps_on()
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def pre_social_login(self, request, sociallogin):
        sso = selectors.sso_for_provider(provider_id=sociallogin.account.provider)
        if sso is None:
            raise ImmediateHttpResponse(refusal_page(request, sso=None, reason="This sign-in service is not known."))
        try:
            if sociallogin.is_existing:  # linked before: the subject identifies them; nothing is made
                services.sso_sign_in_linked(sso=sso, user=sociallogin.user)
            else:
                user = services.sso_sign_in_account(sso=sso, claims=claims_of(sociallogin))
                sociallogin.connect(request, user)
        except services.SignInRefused as refused:
            services.sso_refusal_record(sso=sso, reason=str(refused))
            raise ImmediateHttpResponse(refusal_page(request, sso=sso, reason=str(refused))) from refused

    def is_open_for_signup(self, request, sociallogin):
        return False  # accounts are found or made in pre_social_login, never by allauth's sign-up form

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        sso = selectors.sso_for_provider(provider_id=getattr(provider, "sub_id", "") or "")
        council = sso.council.short_name if sso else "your council"
        if error == "cancelled":
            reason = f"You did not finish signing in with {council}'s sign-in service."
        else:
            reason = (
                f"We could not sign you in: the answer from {council}'s sign-in service could not be checked "
                "(it may have come from another organisation, been meant for another service, have expired or "
                "not carry a valid signature). Try again; if it happens again, tell your council's IT team."
            )
        services.sso_refusal_record(
            sso=sso, reason=f"{reason} ({exception.__class__.__name__ if exception else error})"
        )
        raise ImmediateHttpResponse(refusal_page(request, sso=sso, reason=reason, status=401))
