"""Pickups pages, mounted at /gate/pickups/ (namespace `pickups`)."""

from django.urls import path  # noqa: F401

app_name = "pickups"

urlpatterns: list = []
