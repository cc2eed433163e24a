"""Term safety plans pages, mounted at /termplan/ (namespace `termplan`)."""

from django.urls import path  # noqa: F401

app_name = "termplan"

urlpatterns: list = []
