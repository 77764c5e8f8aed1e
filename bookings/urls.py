from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("", views.BookingsView.as_view(), name="list"),
    path("requests/", views.SpecialistRequestsView.as_view(), name="requests"),
    path("request/<int:profile_pk>/<str:week>/", views.RequestWeekView.as_view(), name="request_week"),
    path("<int:pk>/", views.BookingStoryView.as_view(), name="detail"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/decline/", views.ReasonView.as_view(action="decline"), name="decline"),
    path("<int:pk>/cancel/", views.ReasonView.as_view(action="cancel"), name="cancel"),
    path("weeks/<int:pk>/timesheet/", views.TimesheetView.as_view(), name="timesheet"),
    path("timesheets/<int:pk>/confirm/", views.TimesheetConfirmView.as_view(), name="timesheet_confirm"),
    path("timesheets/<int:pk>/dispute/", views.TimesheetDisputeView.as_view(), name="timesheet_dispute"),
    path("timesheets/<int:pk>/agree/", views.TimesheetResolveView.as_view(), name="timesheet_resolve"),
    path("<int:pk>/feedback/", views.FeedbackView.as_view(), name="feedback"),
    path("calendar/reset/", views.CalendarResetView.as_view(), name="calendar_reset"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
