"""Training statistics pages, mounted at /training/stats/ (namespace `stats`)."""

from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.people, name="people"),
    path("not-started/", views.people, {"not_started": True}, name="not_started"),
    path("person/<int:user_id>/", views.person, name="person"),
    path("export/children.xlsx", views.export_children, name="export_children"),
    path("export/people.xlsx", views.export_people, name="export_people"),
    path("export/not-started.xlsx", views.export_people, {"not_started": True}, name="export_not_started"),
    path("summary.pdf", views.summary_pdf, name="summary_pdf"),
]
