"""Root URLs: each app's own urls.py, mounted under the path its pages share."""

from django.contrib import admin
from django.urls import include, path

from core import views as core_views
from sso import views as sso_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility/", core_views.AccessibilityView.as_view(), name="accessibility"),
    # The two-step sign-in and the council providers' login and callback (signature always checked), in
    # front of allauth's own views at the same addresses.
    path("accounts/login/", sso_views.SignInView.as_view(), name="account_login"),
    path("accounts/oidc/<str:provider_id>/login/", sso_views.provider_login, name="openid_connect_login"),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/", sso_views.provider_callback, name="openid_connect_callback"
    ),
    # allauth's account pages only: its social-account pages (connections, social sign-up) are not offered
    path("accounts/", include("allauth.account.urls")),
    path("django-admin/", admin.site.urls),
    path("pool/", include("talentpool.urls")),
    path("bookings/", include("bookings.urls")),
    path("needs/", include("needs.urls")),
    path("", include("payments.urls")),
    path("", include("privacy.urls")),
    path("", include("oversight.urls")),
    path("", include("sso.urls")),
    path("", include("insights.urls")),
    path("", include("councils.urls")),
]
