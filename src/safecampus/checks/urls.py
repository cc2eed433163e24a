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

from . import schedule_views, task_views  # noqa: E402

urlpatterns += [
    path("tasks/", task_views.my_tasks, name="my_tasks"),
    path("tasks/<int:task_id>/", task_views.task_page, name="task"),
    path("tasks/<int:task_id>/submit", task_views.task_submit, name="task_submit"),
    path("photos", task_views.photo_upload, name="photo_upload"),
    path("photos/<int:check_photo_id>/", task_views.photo, name="photo"),
    path("units/<int:unit_id>/schedules/", schedule_views.schedule_list, name="schedules"),
    path("units/<int:unit_id>/schedules/new/", schedule_views.schedule_new, name="schedule_new"),
    path("schedules/<int:schedule_id>/edit/", schedule_views.schedule_edit, name="schedule_edit"),
    path("schedules/<int:schedule_id>/status/", schedule_views.schedule_status, name="schedule_status"),
]
