from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PickupsConfig(AppConfig):
    name = "safecampus.pickups"
    label = "pickups"
    verbose_name = _("Pickups")

    def ready(self) -> None:
        from . import audit_labels, gate  # noqa: F401  (timeline labels)

        gate.register()
