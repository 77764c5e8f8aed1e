"""allauth's own social-account admin pages are not offered: councils' apps come from their settings (a
SocialApp's secret typed there would do nothing), tokens are not stored, and a link between a provider's
subject and a person changes only through sign-in (audited) or erasure. SingleSignOn is not in the admin:
its status moves through sso.services."""

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin

for model in (SocialApp, SocialToken, SocialAccount):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
