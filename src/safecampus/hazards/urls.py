"""Hazard pages (mounted at /hazards/)."""

from django.urls import path

from . import detail_views, ledger_views, report_views, views

app_name = "hazards"

urlpatterns = [
    path("", views.home, name="home"),
    path("report/", report_views.report, name="report"),
    path("report/kept/<int:kept_id>/", report_views.kept_photo, name="kept_photo"),
    path("todo/", views.todo, name="todo"),
    path("confirm/", views.to_confirm, name="confirm"),
    path("verify/", views.to_verify, name="verify"),
    path("<int:hazard_id>/", detail_views.detail, name="detail"),
    path("<int:hazard_id>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("units/<int:unit_id>/", ledger_views.ledger_page, name="ledger"),
    path("units/<int:unit_id>/export.xlsx", ledger_views.ledger_xlsx, name="ledger_xlsx"),
    path("units/<int:unit_id>/overdue/", ledger_views.overdue, name="overdue"),
]
