from django.urls import path

from . import class_views, import_views

app_name = "roster"

urlpatterns = [
    path("", class_views.roster_home, name="home"),
    path("my-class/", class_views.my_class, name="my_class"),
    path("my-children/", class_views.my_children, name="my_children"),
    path("schools/<int:unit_id>/classes/", class_views.class_list, name="class_list"),
    path("classes/<int:class_id>/", class_views.class_detail, name="class_detail"),
    path("students/<int:student_id>/", class_views.student_detail, name="student_detail"),
    path("schools/<int:unit_id>/import/", import_views.import_page, name="import"),
    path("templates/students.xlsx", import_views.template_students, name="template_students"),
    path("templates/staff.xlsx", import_views.template_staff, name="template_staff"),
    path("imports/<int:batch_id>/", import_views.batch_detail, name="batch_detail"),
    path("imports/<int:batch_id>/apply/", import_views.batch_apply, name="batch_apply"),
    path("imports/<int:batch_id>/progress/", import_views.batch_progress, name="batch_progress"),
    path("imports/<int:batch_id>/errors.xlsx", import_views.batch_errors, name="batch_errors"),
    path("imports/<int:batch_id>/accounts.xlsx", import_views.batch_accounts, name="batch_accounts"),
]
