from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FireConfig(AppConfig):
    name = "safecampus.fire"
    label = "fire"
    verbose_name = _("Fire equipment")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import audit_labels, rollup, today  # noqa: F401  (timeline labels; the roll-up registers itself)
        from .perms import VIEW

        today.register()
        nav.register(
            nav.Item("fire:home", _("Fire equipment"), "fire", VIEW, group="prevention", order=40),
        )
