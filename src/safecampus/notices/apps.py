from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "safecampus.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from . import events, rollup  # noqa: F401  (event types, the reach roll-up)
