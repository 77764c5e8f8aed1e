from django.urls import path

from . import views

app_name = "talentpool"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("specialists/<int:pk>/", views.ProfileView.as_view(), name="profile"),
    path("profile/", views.MyProfileView.as_view(), name="my_profile"),
    path("profile/edit/", views.ProfileEditView.as_view(), name="profile_edit"),
    path("profile/submit/", views.ProfileSubmitView.as_view(), name="profile_submit"),
    path("profile/projects/add/", views.PastProjectView.as_view(), name="project_add"),
    path("profile/projects/<int:pk>/", views.PastProjectView.as_view(), name="project_edit"),
    path("profile/projects/<int:pk>/remove/", views.PastProjectDeleteView.as_view(), name="project_delete"),
    path("hours/", views.HoursView.as_view(), name="hours"),
    path("hours/<str:week>/", views.WeekView.as_view(), name="week"),
    path("hours/<str:week>/withdraw/", views.WeekWithdrawView.as_view(), name="week_withdraw"),
    path("approvals/", views.ApprovalsView.as_view(), name="approvals"),
    path("approvals/<int:pk>/", views.ApprovalView.as_view(), name="approval"),
    path("approvals/<int:pk>/return/", views.ReasonActionView.as_view(action="return"), name="approval_return"),
    path("approvals/<int:pk>/withdraw/", views.ReasonActionView.as_view(action="withdraw"), name="approval_withdraw"),
    path("projects/<int:pk>/verify/", views.ProjectVerifyView.as_view(), name="project_verify"),
    path("rates/", views.RatesView.as_view(), name="rates"),
    path("rates/<int:pk>/", views.RateView.as_view(), name="rate"),
]
