from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardsConfig(AppConfig):
    name = "safecampus.guards"
    label = "guards"
    verbose_name = _("Security guards")

    def ready(self) -> None:
        from . import signals

        signals.connect()
