"""School-year pages, mounted at /roster/: term promotion and transfers between schools."""

from django.urls import path

from . import year_views

app_name = "roster_year"

urlpatterns = [
    path("schools/<int:unit_id>/promotion/", year_views.promotion, name="promotion"),
    path("transfers/", year_views.transfer_list, name="transfer_list"),
    path("transfers/new/", year_views.transfer_new, name="transfer_new"),
    path("transfers/<int:transfer_id>/", year_views.transfer_detail, name="transfer_detail"),
    path("transfers/<int:transfer_id>/accept/", year_views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:transfer_id>/reject/", year_views.transfer_reject, name="transfer_reject"),
    path("transfers/<int:transfer_id>/cancel/", year_views.transfer_cancel, name="transfer_cancel"),
    path(
        "transfers/<int:transfer_id>/class/", year_views.transfer_choose_class, name="transfer_choose_class"
    ),
]
