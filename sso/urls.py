from django.urls import path

from . import views

app_name = "sso"

urlpatterns = [
    path("council/single-sign-on/", views.SsoSettingsView.as_view(), name="settings"),
    path("council/single-sign-on/turn-off/", views.SsoTurnOffView.as_view(), name="turn_off"),
    path("platform/single-sign-on/", views.SsoListView.as_view(), name="staff_list"),
    path("platform/single-sign-on/<int:pk>/", views.SsoCheckView.as_view(), name="staff_check"),
]
