"""Security guards pages, mounted at /security/guards/ (namespace `guards`)."""

from django.urls import path

from . import export, views

app_name = "guards"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.unit_page, name="unit"),
    path("units/<int:unit_id>/new/", views.add_guard, name="add"),
    path("units/<int:unit_id>/companies/", views.add_company, name="add_company"),
    path("units/<int:unit_id>/gates/", views.set_gates, name="gates"),
    path("units/<int:unit_id>/board.xlsx", export.board_xlsx, name="export"),
    path("guards/<int:guard_id>/", views.guard_page, name="guard"),
    path("guards/<int:guard_id>/edit/", views.edit_guard, name="edit"),
    path("guards/<int:guard_id>/leave/", views.leave, name="leave"),
    path("guards/<int:guard_id>/return/", views.back_on_post, name="return"),
    path("guards/<int:guard_id>/reveal/<str:field>/", views.reveal, name="reveal"),
]
