"""Supervision pages (mounted at /supervision/)."""

from django.urls import path

from . import letter_views, record_views, views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<int:unit_id>/", views.overview, name="overview"),
    path("schools/<int:unit_id>/", views.school, name="school"),
    path("hazards/<int:hazard_id>/list/", record_views.list_hazard, name="list_hazard"),
    path("listings/<int:listing_id>/lift/", record_views.lift, name="lift"),
    path("letters/new/", letter_views.letter_new, name="letter_new"),
    path("letters/<int:letter_id>/", letter_views.letter_detail, name="letter"),
    path("letters/<int:letter_id>/letter.pdf", letter_views.letter_pdf, name="letter_pdf"),
    path("letters/<int:letter_id>/reply/", letter_views.letter_reply, name="letter_reply"),
    path("letters/<int:letter_id>/review/", letter_views.letter_review, name="letter_review"),
    path("letters/<int:letter_id>/attachment", letter_views.letter_attachment, name="letter_attachment"),
    path("interviews/new/", record_views.interview_new, name="interview_new"),
    path("sanctions/new/", record_views.sanction_new, name="sanction_new"),
]
