"""Defence equipment pages, mounted at /security/ (namespace `defence`)."""

from django.urls import path

from . import board_views, views

app_name = "defence"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit_page, name="unit"),
    path("units/<int:unit_id>/new/", views.add_item, name="add"),
    path("units/<int:unit_id>/closed/", views.closed_page, name="closed"),
    path("units/<int:unit_id>/closed/evidence/", views.closed_evidence, name="evidence"),
    path("units/<int:unit_id>/shortfalls/", views.report_shortfalls, name="shortfalls"),
    path("equipment/<int:equipment_id>/", views.item_page, name="item"),
    path("equipment/<int:equipment_id>/edit/", views.edit_item, name="edit"),
    path("equipment/<int:equipment_id>/retire/", views.retire_item, name="retire"),
    path("equipment/<int:equipment_id>/test/", views.test_item, name="test"),
    path("tests/<int:equipment_test_id>/photo/", views.test_photo, name="photo"),
    path("three100/", board_views.board_page, name="board"),
    path("three100/export.xlsx", board_views.export, name="export"),
    path("three100/report.pdf", board_views.report_pdf, name="pdf"),
]
