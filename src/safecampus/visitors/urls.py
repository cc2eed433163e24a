"""Visitors pages, mounted at /gate/visits/ (namespace `visitors`)."""

from django.urls import path  # noqa: F401

app_name = "visitors"

urlpatterns: list = []
