"""Notices pages, mounted at /notices/ (namespace `notices`)."""

from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("<int:notice_id>/", views.detail, name="detail"),
]
