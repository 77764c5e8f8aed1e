from django.urls import path

from . import views

app_name = "needs"
urlpatterns = [
    path("", views.NeedListView.as_view(), name="list"),
    path("new/", views.NeedCreateView.as_view(), name="new"),
    path("emails/", views.NeedEmailsView.as_view(), name="emails"),
    path("<int:pk>/", views.NeedDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.NeedEditView.as_view(), name="edit"),
    path("<int:pk>/publish/", views.NeedPublishView.as_view(), name="publish"),
    path("<int:pk>/withdraw/", views.NeedWithdrawView.as_view(), name="withdraw"),
    path("<int:pk>/answer/", views.NeedAnswerView.as_view(), name="answer"),
    path("answers/<int:pk>/book/", views.AnswerBookView.as_view(), name="book"),
    path("platform/", views.StaffNeedsView.as_view(), name="platform"),
    path("platform/<int:pk>/hide/", views.StaffHideView.as_view(), name="hide"),
    path("platform/<int:pk>/show/", views.StaffShowView.as_view(), name="show"),
]
