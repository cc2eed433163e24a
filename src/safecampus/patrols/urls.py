"""Patrol pages (mounted at /patrols/)."""

from django.urls import path

from . import manage_views, views

app_name = "patrols"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.guard, name="guard"),
    path("scans", views.scan_post, name="scan_post"),
    path("checkpoints/<int:checkpoint_id>/observe/", views.observe, name="observe"),
    path("units/<int:unit_id>/routes/", manage_views.routes, name="routes"),
    path("units/<int:unit_id>/rounds/", manage_views.history, name="history"),
    path("units/<int:unit_id>/area/", manage_views.area, name="area"),
    path("routes/<int:route_id>/", manage_views.route, name="route"),
    path("routes/<int:route_id>/labels.pdf", manage_views.labels, name="labels"),
]
