"""1530 safety talks pages, mounted at /talks/ (namespace `talks`)."""

from django.urls import path  # noqa: F401

app_name = "talks"

urlpatterns: list = []
