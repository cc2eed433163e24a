from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatrolsConfig(AppConfig):
    name = "safecampus.patrols"
    label = "patrols"
    verbose_name = _("Patrols")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import audit_labels, stats, today  # noqa: F401  (verbs, the roll-up, the cards)
        from .perms import VIEW

        today.register()
        nav.register(
            nav.Item("patrols:home", _("Patrol rounds"), "signpost-split", nav.staff_with(VIEW),
                     group="prevention", order=25),
        )  # fmt: skip
