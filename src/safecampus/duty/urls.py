"""Duty rosters pages, mounted at /duty/ (namespace `duty`)."""

from django.urls import path

from . import manage_views, views

app_name = "duty"

urlpatterns = [
    path("", views.roster, name="roster"),
    path("today/", views.my_shift, name="today"),
    path("shifts/new/", manage_views.shift_new, name="shift_new"),
    path("shifts/<int:shift_id>/", views.shift_page, name="shift"),
    path("shifts/<int:shift_id>/take-over/", views.take_over, name="take_over"),
    path("shifts/<int:shift_id>/hand-over/", views.hand_over, name="hand_over"),
    path("shifts/<int:shift_id>/edit/", views.edit_shift, name="edit_shift"),
    path("shifts/<int:shift_id>/swap/", views.request_swap, name="request_swap"),
    path("rotas/", manage_views.rota_list, name="rotas"),
    path("rotas/new/", manage_views.rota_new, name="rota_new"),
    path("rotas/<int:rota_id>/generate/", manage_views.rota_generate, name="rota_generate"),
    path("swaps/", manage_views.swap_list, name="swaps"),
    path(
        "swaps/<int:swap_id>/approve/", manage_views.swap_decide, {"action": "approve"}, name="swap_approve"
    ),
    path("swaps/<int:swap_id>/reject/", manage_views.swap_decide, {"action": "reject"}, name="swap_reject"),
]
