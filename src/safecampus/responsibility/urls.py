"""Responsibility letters pages, mounted at /responsibility/ (namespace `responsibility`)."""

from django.urls import path

from . import views

app_name = "responsibility"

urlpatterns = [
    path("", views.home, name="home"),
    path("letters/<int:letter_post_id>/sign/", views.sign, name="sign"),
    path("signatures/<int:signature_id>/letter.pdf", views.signature_pdf, name="signature_pdf"),
    path("signatures/<int:signature_id>/countersign/", views.countersign, name="countersign"),
    path("school/", views.school, name="school"),
    path("school/sync/", views.sync, name="sync"),
    path("school/posts/add/", views.add_post, name="add_post"),
    path("posts/<int:letter_post_id>/", views.post_action, name="post_action"),
    path("texts/", views.texts, name="texts"),
    path("texts/new/", views.text_new, name="text_new"),
    path("texts/<int:letter_text_id>/publish/", views.text_publish, name="text_publish"),
    path("stats/", views.stats_page, name="stats"),
]
