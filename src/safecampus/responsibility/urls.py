"""Responsibility letters pages, mounted at /responsibility/ (namespace `responsibility`)."""

from django.urls import path  # noqa: F401

app_name = "responsibility"

urlpatterns: list = []
