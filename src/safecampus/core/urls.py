from django.urls import path

from . import audit_views, job_views, org_views, search_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("org/", org_views.unit_tree, name="unit_tree"),
    path("org/schools/search", search_views.school_search, name="school_search"),
    path("org/units/<int:unit_id>/", org_views.unit_detail, name="unit_detail"),
    path("org/units/<int:unit_id>/children/", org_views.unit_children, name="unit_children"),
    path("org/units/<int:unit_id>/new/", org_views.unit_create, name="unit_create"),
    path("org/units/<int:unit_id>/edit/", org_views.unit_edit, name="unit_edit"),
    path("org/units/<int:unit_id>/move/", org_views.unit_move, name="unit_move"),
    path("org/units/<int:unit_id>/active/", org_views.unit_set_active, name="unit_set_active"),
    path("audit/", audit_views.audit_log, name="audit_log"),
    path("jobs/", job_views.jobs_list, name="jobs"),
    path("jobs/start", job_views.job_start, name="job_start"),
    path("jobs/<int:job_id>/", job_views.job_page, name="job"),
    path("jobs/<int:job_id>/status", job_views.job_status, name="job_status"),
    path("jobs/<int:job_id>/download", job_views.job_download, name="job_download"),
]
