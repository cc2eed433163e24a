from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "safecampus.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import today

        today.register()
        from safecampus.core.roles import Perm

        nav.register(
            nav.Item(
                "supervision:home",
                _("Supervision"),
                "pin-angle",
                (Perm.SUPERVISE_HAZARDS, Perm.MANAGE_HAZARDS),
                group="prevention",
                order=30,
            ),
        )
