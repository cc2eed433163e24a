"""Risk pages (mounted at /risks/)."""

from django.urls import path

from . import card_views, map_views, register_views, views

app_name = "risks"

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<int:unit_id>/", views.ledger, name="ledger"),
    path("schools/<int:unit_id>/major/", views.major_list, name="major"),
    path("schools/<int:unit_id>/new/", views.point_new, name="point_new"),
    path("points/<int:point_id>/", views.point_detail, name="point"),
    path("points/<int:point_id>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:point_id>/grade/", views.point_grade, name="point_grade"),
    path("points/<int:point_id>/plan/", views.point_plan, name="point_plan"),
    path("points/<int:point_id>/action/", views.point_action, name="point_action"),
    path("units/<int:unit_id>/", register_views.bureau, name="bureau"),
    path("units/<int:unit_id>/ledger.xlsx", register_views.ledger_xlsx, name="ledger_xlsx"),
    path("units/<int:unit_id>/major.xlsx", register_views.major_xlsx, name="major_xlsx"),
    path("units/<int:unit_id>/regrade/", register_views.regrade_page, name="regrade"),
    path("schools/<int:unit_id>/cards/", card_views.card_list, name="cards"),
    path("schools/<int:unit_id>/cards/view/", card_views.card_page, name="card"),
    path("schools/<int:unit_id>/cards/card.pdf", card_views.card_pdf, name="card_pdf"),
    path("schools/<int:unit_id>/board.pdf", card_views.board_pdf, name="board_pdf"),
    path("schools/<int:unit_id>/map/", map_views.map_page, name="map"),
    path("schools/<int:unit_id>/map/edit/", map_views.map_edit, name="map_edit"),
    path("schools/<int:unit_id>/map/image", map_views.plan_image, name="plan_image"),
    path("schools/<int:unit_id>/map/areas", map_views.save_layout, name="map_save"),
]
