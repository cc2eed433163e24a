"""Term safety plans pages, mounted at /termplan/ (namespace `termplan`)."""

from django.urls import path

from . import stats_views, views

app_name = "termplan"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("stats/", stats_views.dashboard, name="stats"),
    path("plans/<int:term_plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:term_plan_id>/status/", views.plan_status, name="plan_status"),
    path("plans/<int:term_plan_id>/items/new/", views.add_item, name="add_item"),
    path("plans/<int:term_plan_id>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("themes/<int:month_theme_id>/", views.theme, name="theme"),
    path("items/<int:plan_item_id>/", views.item, name="item"),
    path("items/<int:plan_item_id>/evidence/", views.evidence, name="evidence"),
]
