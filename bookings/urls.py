from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("", views.BookingsView.as_view(), name="list"),
    path("requests/", views.SpecialistRequestsView.as_view(), name="requests"),
    path("request/<int:profile_pk>/<str:week>/", views.RequestWeekView.as_view(), name="request_week"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/decline/", views.ReasonView.as_view(action="decline"), name="decline"),
    path("<int:pk>/cancel/", views.ReasonView.as_view(action="cancel"), name="cancel"),
]
