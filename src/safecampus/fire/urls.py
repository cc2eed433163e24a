"""Fire-equipment pages (mounted at /fire/)."""

from django.urls import path

from . import check_views, views

app_name = "fire"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit_page, name="unit"),
    path("units/<int:unit_id>/new/", views.add_device, name="add"),
    path("units/<int:unit_id>/labels.pdf", check_views.labels_pdf, name="labels"),
    path("devices/<int:device_id>/", views.device_page, name="device"),
    path("devices/<int:device_id>/edit/", views.edit_device, name="edit"),
    path("devices/<int:device_id>/service/", views.service_device, name="service"),
    path("devices/<int:device_id>/retire/", views.retire_device, name="retire"),
    path("checks/<int:check_id>/photos/<int:fire_photo_id>/", check_views.check_photo, name="photo"),
    path("d/<int:unit_id>/<str:device_code>/", check_views.check_page, name="check"),
]
