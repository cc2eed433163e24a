"""Checklist pages (mounted at /checks/)."""

from django.urls import path

from . import views

app_name = "checks"

urlpatterns = [
    path("", views.library, name="library"),
    path("new/", views.new, name="new"),
    path("templates/<int:template_id>/", views.detail, name="detail"),
    path("templates/<int:template_id>/edit/", views.edit, name="edit"),
    path("templates/<int:template_id>/copy/", views.copy, name="copy"),
    path("templates/<int:template_id>/publish/", views.publish, name="publish"),
    path("templates/<int:template_id>/unpublish/", views.unpublish, name="unpublish"),
    path("templates/<int:template_id>/retire/", views.retire, name="retire"),
    path("templates/<int:template_id>/restore/", views.restore, name="restore"),
]
