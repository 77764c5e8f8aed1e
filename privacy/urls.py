"""A person's data download, and an administrator erasing a removed member's details."""

from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("your-data.json", views.MyDataView.as_view(), name="my_data"),
    path("council/people/<int:pk>/erase/", views.MemberEraseView.as_view(), name="member_erase"),
]
