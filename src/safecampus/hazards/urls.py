"""Hazard pages (mounted at /hazards/)."""

from django.urls import path

from . import views

app_name = "hazards"

urlpatterns = [
    path("<int:hazard_id>/", views.detail, name="detail"),
]
