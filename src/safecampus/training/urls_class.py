"""Class work pages (mounted at /training/classes/): progress boards, assignments, classroom mode."""

from django.urls import path

from . import class_views, classroom_views

urlpatterns = [
    path("", class_views.classes, name="classes"),
    path("<int:class_id>/", class_views.class_progress, name="class_progress"),
    path("<int:class_id>/assign/", class_views.class_assign, name="class_assign"),
    path("<int:class_id>/unassign/", class_views.class_unassign, name="class_unassign"),
    path("<int:class_id>/classroom/", classroom_views.classroom_start, name="classroom_start"),
    path("<int:class_id>/classroom/<int:session_id>/", classroom_views.classroom, name="classroom"),
    path(
        "<int:class_id>/classroom/<int:session_id>/finish/",
        classroom_views.classroom_finish,
        name="classroom_finish",
    ),
    path(
        "<int:class_id>/classroom/<int:session_id>/cancel/",
        classroom_views.classroom_cancel,
        name="classroom_cancel",
    ),
]
