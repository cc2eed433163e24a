from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "safecampus.risks"
    label = "risks"
    verbose_name = _("Risk grading and control")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        nav.register(
            nav.Item(
                "risks:home",
                _("Risk control"),
                "exclamation-diamond",
                Perm.VIEW_RISKS,
                group="prevention",
                order=10,
            ),
        )
