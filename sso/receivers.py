"""A sign-in through a council's provider: the session ends after SSO_SESSION_HOURS (so someone disabled at
their council is out by their next sign-in), and the sign-in is audited."""

from allauth.account.signals import user_logged_in
from django.conf import settings
from django.dispatch import receiver

from . import selectors, services


@receiver(user_logged_in, dispatch_uid="sso_signed_in")
def sso_signed_in(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        return
    sso = selectors.sso_for_provider(provider_id=sociallogin.account.provider)
    if sso is None:
        return
    request.session.set_expiry(settings.SSO_SESSION_HOURS * 3600)
    services.sso_sign_in_record(sso=sso, user=user)
