"""Leaving school pages, mounted at /gate/exits/ (namespace `exits`)."""

from django.urls import path  # noqa: F401

app_name = "exits"

urlpatterns: list = []
