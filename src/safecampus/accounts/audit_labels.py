"""How accounts, roles and sign-ins read on the timelines (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Verb, register_fields, register_verbs

register_verbs(
    {
        "user.created": Verb(_("Account created"), "person-plus"),
        "user.updated": Verb(_("Account updated"), "pencil"),
        "user.password_reset": Verb(_("Password reset"), "key"),
        "user.activated": Verb(_("Account enabled"), "person-check"),
        "user.deactivated": Verb(_("Account disabled"), "person-slash"),
        "role.assigned": Verb(_("Role granted"), "person-badge"),
        "role.revoked": Verb(_("Role revoked"), "person-dash"),
        # A person's own sign-ins and password are traced, but they are no news for the feed.
        "auth.login": Verb(_("Logged in"), "box-arrow-in-right", feed=False),
        "auth.login_failed": Verb(_("Failed login"), "exclamation-triangle"),
        "auth.password_changed": Verb(_("Password changed"), "key", feed=False),
        "auth.token_issued": Verb(_("API token issued"), "braces", feed=False),
    }
)

register_fields(
    "accounts.user",
    {
        "username": _("Username"),
        "phone": _("Mobile number"),
        "must_change_password": _("Must change password"),
        "is_staff": _("Operator"),
    },
)
