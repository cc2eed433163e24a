"""Hazard statistics pages, mounted at /hazards/stats/ (namespace `hazard_stats`)."""

from django.urls import path

from . import stats_views

app_name = "hazard_stats"

urlpatterns = [
    path("", stats_views.dashboard, name="dashboard"),
    path("export/tables.xlsx", stats_views.export_tables, name="export_tables"),
    path("export/units.xlsx", stats_views.export_children, name="export_children"),
]
