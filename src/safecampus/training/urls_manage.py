"""Content management (/training/manage/) and lesson media, in the `training` namespace."""

from django.urls import path

from . import manage_course_views as course_views
from . import manage_views as views
from . import media_views, package_views

urlpatterns = [
    path("", views.campaign_list, name="manage"),
    path("campaigns/new/", views.campaign_create, name="campaign_new"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:campaign_id>/status/", views.campaign_status, name="campaign_status"),
    path("campaigns/<int:campaign_id>/theme/", views.theme_form, name="theme"),
    path("campaigns/<int:campaign_id>/stage/", views.stage_form, name="stage"),
    path("campaigns/<int:campaign_id>/courses/new/", course_views.course_create, name="course_new"),
    path("campaigns/<int:campaign_id>/package/", package_views.package_into, name="package_into"),
    path("packages/new/", package_views.package_new, name="package_new"),
    path("courses/<int:course_id>/", course_views.course_detail, name="course"),
    path("courses/<int:course_id>/edit/", course_views.course_edit, name="course_edit"),
    path("courses/<int:course_id>/status/", course_views.course_status, name="course_status"),
    path("courses/<int:course_id>/lessons/new/", course_views.lesson_create, name="lesson_new"),
    path("courses/<int:course_id>/images/", course_views.image_upload, name="image_upload"),
    path("courses/<int:course_id>/quiz/", course_views.quiz_settings, name="quiz_settings"),
    path("courses/<int:course_id>/questions/new/", course_views.question_create, name="question_new"),
    path("lessons/<int:lesson_id>/edit/", course_views.lesson_edit, name="lesson_edit"),
    path("questions/<int:question_id>/edit/", course_views.question_edit, name="question_edit"),
    path("questions/<int:question_id>/active/", course_views.question_active, name="question_active"),
    # Files, for learners and managers alike: {% url 'training:media' lesson.pk 'file' %}
    path("media/<int:lesson_id>/<str:part>", media_views.lesson_media, name="media"),
    path("images/<int:image_id>", media_views.lesson_image, name="image"),
]
