"""Notices pages, mounted at /notices/ (namespace `notices`)."""

from django.urls import path

from . import board_views, views

app_name = "notices"

urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("new/", views.compose, name="new"),
    path("sent/", views.sent, name="sent"),
    path("calendar/", board_views.calendar_page, name="calendar"),
    path("calendar/use/", board_views.use_proposal, name="use_proposal"),
    path("<int:notice_id>/", views.detail, name="detail"),
    path("<int:notice_id>/edit/", views.edit, name="edit"),
    path("<int:notice_id>/confirm/", views.confirm, name="confirm"),
    path("<int:notice_id>/publish/", views.publish, name="publish"),
    path("<int:notice_id>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:notice_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("<int:notice_id>/report/", views.report, name="report"),
    path("<int:notice_id>/board/", board_views.board, name="board"),
    path("<int:notice_id>/class/<int:class_id>/", board_views.class_list, name="class_list"),
    path("<int:notice_id>/class/<int:class_id>/remind/", board_views.remind, name="remind"),
]
