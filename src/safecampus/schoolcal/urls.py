from django.urls import path

from . import views

app_name = "schoolcal"

urlpatterns = [
    path("", views.home, name="home"),
    path("edit/", views.edit, name="edit"),
    path("slots/", views.slots, name="slots"),
]
