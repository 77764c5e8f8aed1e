from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("platform/charts/", views.PlatformChartsView.as_view(), name="platform"),
    path("platform/charts/councils/<str:code>/", views.StaffCouncilChartsView.as_view(), name="staff_council"),
    path("council/charts/", views.CouncilChartsView.as_view(), name="council"),
    path("finance/charts/", views.FinanceChartsView.as_view(), name="finance"),
]
