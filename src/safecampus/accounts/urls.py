from django.urls import path

from safecampus.roster import account_views as roster_account_views
from safecampus.roster import privacy_views

from . import people_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/password/change/", views.password_change, name="password_change"),
    path("accounts/switch-role/", views.switch_role, name="switch_role"),
    path("accounts/parent-reset/", roster_account_views.parent_reset, name="parent_reset"),
    path("people/", people_views.user_list, name="user_list"),
    path("people/new/", people_views.user_create, name="user_create"),
    path("people/<int:user_id>/", people_views.user_detail, name="user_detail"),
    path("people/<int:user_id>/edit/", people_views.user_edit, name="user_edit"),
    path(
        "people/<int:user_id>/reset-password/", people_views.user_reset_password, name="user_reset_password"
    ),
    path("people/<int:user_id>/reveal/<str:field>/", privacy_views.person_reveal, name="user_reveal"),
    path("people/<int:user_id>/active/", people_views.user_set_active, name="user_set_active"),
    path("people/<int:user_id>/roles/", people_views.user_assign_role, name="user_assign_role"),
    path(
        "people/roles/<int:membership_id>/revoke/", people_views.membership_revoke, name="membership_revoke"
    ),
]
