from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefenceConfig(AppConfig):
    name = "safecampus.defence"
    label = "defence"
    verbose_name = _("Defence equipment")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import audit_labels, rollup, today  # noqa: F401  (timeline labels; the roll-up registers itself)
        from .facts import staffing_changed
        from .perms import VIEW

        def at_school(user, active) -> bool:  # a bureau opens the board (its home redirects there)
            return nav.shown(VIEW, user, active) and active is not None and not active.unit.is_bureau

        try:
            from safecampus.guards.signals import staffing_changed as signal
        except ImportError:  # pragma: no cover - before the guards module ships its signal
            signal = None
        if signal is not None:
            signal.connect(staffing_changed, dispatch_uid="defence.staffing_changed")
        today.register()
        nav.register(
            nav.Item(
                "defence:home", _("Defence equipment"), "shield-check", at_school, group="security", order=40
            ),
            nav.Item("defence:board", _("Three 100%"), "bar-chart", VIEW, group="security", order=41),
        )
