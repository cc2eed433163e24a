"""Leaving school pages, mounted at /gate/exits/ (namespace `exits`)."""

from django.urls import path

from . import views

app_name = "exits"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.new_request, name="new"),
    path("check/", views.check, name="check"),
    path("<int:exit_id>/", views.detail, name="detail"),
    path("<int:exit_id>/approve/", views.approve, name="approve"),
    path("<int:exit_id>/decline/", views.decline, name="decline"),
    path("<int:exit_id>/cancel/", views.cancel, name="cancel"),
]
