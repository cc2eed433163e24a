"""Security guards pages, mounted at /security/guards/ (namespace `guards`)."""

from django.urls import path  # noqa: F401

app_name = "guards"

urlpatterns: list = []
