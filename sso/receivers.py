"""A sign-in through a council's provider: the session ends after SSO_SESSION_HOURS (so someone disabled at
their council is out by their next sign-in), and the sign-in is audited."""

from datetime import timedelta

from allauth.account.signals import user_logged_in
from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from . import selectors, services


@receiver(user_logged_in, dispatch_uid="sso_signed_in")
def sso_signed_in(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is None:
        return
    sso = selectors.sso_for_provider(provider_id=sociallogin.account.provider)
    if sso is None:
        return
    # a fixed end (a datetime), not seconds of inactivity that each request would push back
    request.session.set_expiry(timezone.now() + timedelta(hours=settings.SSO_SESSION_HOURS))
    services.sso_sign_in_record(sso=sso, user=user)
