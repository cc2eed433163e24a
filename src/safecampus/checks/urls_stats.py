"""Check statistics pages, mounted at /checks/stats/ (namespace `check_stats`)."""

from django.urls import path

from . import stats_views

app_name = "check_stats"

urlpatterns = [
    path("", stats_views.dashboard, name="dashboard"),
    path("export.xlsx", stats_views.export, name="export"),
]
