from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "safecampus.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import deploy  # noqa: F401  (registers the deployment checks)
        from .rollups import jobs  # noqa: F401  (the unit-move receiver of the roll-up engine)
