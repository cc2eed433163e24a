"""Training pages: the learner's side, content management and class work (one namespace)."""

from django.urls import include, path

app_name = "training"

urlpatterns = [
    path("", include("safecampus.training.urls_learn")),
    path("manage/", include("safecampus.training.urls_manage")),
    path("classes/", include("safecampus.training.urls_class")),
]
