from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("request/<int:profile_pk>/<str:week>/", views.RequestWeekView.as_view(), name="request_week"),
]
