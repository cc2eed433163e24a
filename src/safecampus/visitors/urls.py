"""Visitors pages, mounted at /gate/visits/ (namespace `visitors`)."""

from django.urls import path

from . import log_views, public_views, views, watch_views

app_name = "visitors"

urlpatterns = [
    path("", views.desk_page, name="desk"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.new_visit, name="new"),
    path("walk-in/", views.walk_in, name="walk_in"),
    path("log/", log_views.log_page, name="log"),
    path("log.xlsx", log_views.log_export, name="log_export"),
    path("watchlist/", watch_views.watchlist, name="watchlist"),
    path("watchlist/<int:entry_id>/remove/", watch_views.remove_entry, name="watch_remove"),
    path("booking-qr/", public_views.poster, name="poster"),
    path("book/<str:token>/", public_views.book, name="book"),
    path("pass/<str:code>/", public_views.pass_page, name="pass"),
    path("<int:visit_id>/", views.visit_page, name="visit"),
    path("<int:visit_id>/check-in/", views.check_in, name="check_in"),
    path("<int:visit_id>/check-out/", views.check_out, name="check_out"),
    path("<int:visit_id>/approve/", views.approve, name="approve"),
    path("<int:visit_id>/decline/", views.decline, name="decline"),
    path("<int:visit_id>/cancel/", views.cancel, name="cancel"),
    path("<int:visit_id>/reveal/<str:field>/", views.reveal, name="reveal"),
]
