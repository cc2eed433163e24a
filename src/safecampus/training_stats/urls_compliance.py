"""Compliance pages, mounted at /training/compliance/."""

from django.urls import path

from . import compliance_views as views

app_name = "compliance"

urlpatterns = [
    path("", views.page, name="page"),
    path("export.xlsx", views.export, name="export"),
    path("remind/", views.remind, name="remind"),
    path("person/<int:user_id>/", views.person, name="person"),
    path("person/<int:user_id>/export.xlsx", views.person_export, name="person_export"),
]
