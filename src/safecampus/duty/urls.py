"""Duty rosters pages, mounted at /duty/ (namespace `duty`)."""

from django.urls import path  # noqa: F401

app_name = "duty"

urlpatterns: list = []
