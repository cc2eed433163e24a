"""1530 safety talks pages, mounted at /talks/ (namespace `talks`)."""

from django.urls import path

from . import views

app_name = "talks"

urlpatterns = [
    path("", views.today_page, name="today"),
    path("record/", views.record_json, name="record"),
    path("classes/<int:class_id>/", views.register, name="register"),
    path("classes/<int:class_id>/register.pdf", views.register_pdf, name="register_pdf"),
    path("stats/", views.stats_page, name="stats"),
    path("<int:talk_id>/photo", views.photo, name="photo"),
]
