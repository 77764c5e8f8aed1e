"""Root URLs."""

from django.contrib import admin
from django.urls import include, path

from payments import urls as payments_urls

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("django-admin/", admin.site.urls),
    path("pool/", include("talentpool.pool_urls")),
    path("bookings/", include("bookings.urls")),
    path("finance/", include("payments.urls")),
    path("platform/settlement/", include((payments_urls.platform_patterns, "settlement"))),
    path("", include("councils.urls")),
]
