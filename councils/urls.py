from django.urls import include, path

from . import batch_views, views

platform_patterns = [
    path("", views.PlatformDashboardView.as_view(), name="dashboard"),
    path("councils/<str:code>/", views.CouncilDetailView.as_view(), name="council_detail"),
    path("councils/<str:code>/invite/", views.CouncilInviteView.as_view(), name="council_invite"),
    path("councils/<str:code>/suspend/", views.CouncilSuspendView.as_view(), name="council_suspend"),
    path("councils/<str:code>/reinstate/", views.CouncilReinstateView.as_view(), name="council_reinstate"),
    path("invitations/<int:pk>/resend/", views.PlatformInvitationResendView.as_view(), name="invitation_resend"),
    path("invitations/<int:pk>/cancel/", views.PlatformInvitationCancelView.as_view(), name="invitation_cancel"),
    path("onboarding.csv", batch_views.OnboardingCsvView.as_view(), name="onboarding_csv"),
    path("invite/", batch_views.BatchUploadView.as_view(), name="batches"),
    path("invite/councils.csv", batch_views.RegisterCsvView.as_view(), name="register_csv"),
    path("invite/<int:pk>/", batch_views.BatchView.as_view(), name="batch"),
    path("invite/<int:pk>/confirm/", batch_views.BatchConfirmView.as_view(), name="batch_confirm"),
]

council_patterns = [
    path("", views.CouncilSetupView.as_view(), name="setup"),
    path("agreement/", views.AgreementView.as_view(), name="agreement"),
    path("finance-details/", views.FinanceDetailsView.as_view(), name="finance"),
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/invite/", views.ColleagueInviteView.as_view(), name="invite"),
    path("people/<int:pk>/roles/", views.MemberRolesView.as_view(), name="member_roles"),
    path("people/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member_remove"),
    path("people/<int:pk>/review/", views.SignupReviewView.as_view(), name="signup_review"),
    path("people/<int:pk>/reject/", views.SignupRejectView.as_view(), name="signup_reject"),
    path("invitations/<int:pk>/resend/", views.CouncilInvitationResendView.as_view(), name="invitation_resend"),
    path("invitations/<int:pk>/cancel/", views.CouncilInvitationCancelView.as_view(), name="invitation_cancel"),
]

urlpatterns = [
    path("invitation/<str:token>/", views.InvitationAcceptView.as_view(), name="invitation_accept"),
    path("platform/", include((platform_patterns, "platform"))),
    path("council/", include((council_patterns, "council"))),
]
