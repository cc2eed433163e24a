from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExitsConfig(AppConfig):
    name = "safecampus.exits"
    label = "exits"
    verbose_name = _("Leaving school")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm, Role
        from safecampus.visitors import desk, gatelog

        from . import audit_labels, today  # noqa: F401  (timeline labels)
        from .gate import desk_lookup, log_entries

        desk.register_lookup(desk_lookup)
        gatelog.register(log_entries)
        today.register()
        nav.register(
            nav.Item(
                "exits:home",
                _("Leaving school"),
                "box-arrow-right",
                (Perm.VIEW_GATE, Role.HEAD_TEACHER, Role.PARENT),
                group="security",
                order=20,
            ),
        )
