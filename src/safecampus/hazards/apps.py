from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "safecampus.hazards"
    label = "hazards"
    verbose_name = _("Hazards")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import today

        today.register()
        from safecampus.core.roles import Perm

        from . import events, rollup  # noqa: F401  (the roll-up registers itself; events declare their types)

        nav.register(
            nav.Item(
                "hazards:home", _("Hazards"), "cone-striped", Perm.VIEW_HAZARDS, group="prevention", order=20
            ),
        )
