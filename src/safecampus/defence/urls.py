"""Defence equipment pages, mounted at /security/ (namespace `defence`)."""

from django.urls import path  # noqa: F401

app_name = "defence"

urlpatterns: list = []
