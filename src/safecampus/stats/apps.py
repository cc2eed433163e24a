from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "safecampus.stats"
    label = "stats"
    verbose_name = _("Training statistics")

    def ready(self) -> None:
        from . import rollup, signals  # noqa: F401  (roll-ups registered, receivers connected)
