"""The audit log pages: a council's administrators read their council's events; platform staff read all."""

from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("council/audit/", views.CouncilAuditView.as_view(), name="council_audit"),
    path("platform/audit/", views.PlatformAuditView.as_view(), name="platform_audit"),
]
