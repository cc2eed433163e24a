"""Pickups pages, mounted at /gate/pickups/ (namespace `pickups`)."""

from django.urls import path

from . import views

app_name = "pickups"

urlpatterns = [
    path("", views.home, name="home"),
    path("children/<int:student_id>/", views.child, name="child"),
    path("people/<int:person_id>/revoke/", views.revoke, name="revoke"),
    path("people/<int:person_id>/photo/", views.photo, name="photo"),
    path("schools/<int:unit_id>/dismissal/", views.dismissal, name="dismissal"),
    path("pupils/<int:student_id>/", views.pupil, name="pupil"),
]
