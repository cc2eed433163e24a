from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safecampus.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            deploy,  # noqa: F401  (registers the deployment checks)
            nav,
        )
        from .roles import Perm
        from .rollups import jobs  # noqa: F401  (the unit-move receiver of the roll-up engine)

        nav.register(
            nav.Item("core:home", _("Home"), "house", order=0),
            nav.Item(
                "core:unit_tree",
                _("Organisation"),
                "diagram-3",
                nav.staff_with(Perm.VIEW_UNITS),
                group="system",
                order=10,
            ),
            nav.Item(
                "core:audit_log", _("Audit log"), "journal-text", Perm.VIEW_AUDIT, group="system", order=20
            ),
            nav.Item("admin:index", _("Operators"), "gear", nav.is_operator, group="system", order=90),
        )
