"""Login slips, student password resets, parents' reset codes and the student "show" endpoint
(mounted at roster/)."""

from django.urls import path

from . import account_views, privacy_views, slip_views

app_name = "roster_slips"

urlpatterns = [
    path("imports/<int:batch_id>/slips.pdf", slip_views.slips_pdf_view, name="slips_pdf"),
    path("imports/<int:batch_id>/slips.xlsx", slip_views.slips_xlsx_view, name="slips_xlsx"),
    path(
        "students/<int:student_id>/reset-password/",
        account_views.student_reset_password,
        name="student_reset_password",
    ),
    path(
        "students/<int:student_id>/reveal/<str:field>/", privacy_views.student_reveal, name="student_reveal"
    ),
    path("parents/<int:user_id>/reset-code/", account_views.parent_reset_code, name="parent_reset_code"),
]
