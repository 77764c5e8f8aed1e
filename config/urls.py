"""Root URLs: each app's own urls.py, mounted under the path its pages share."""

from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accessibility/", core_views.AccessibilityView.as_view(), name="accessibility"),
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
    path("pool/", include("talentpool.urls")),
    path("bookings/", include("bookings.urls")),
    path("needs/", include("needs.urls")),
    path("", include("payments.urls")),
    path("", include("privacy.urls")),
    path("", include("oversight.urls")),
    path("", include("councils.urls")),
]
