from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardsConfig(AppConfig):
    name = "safecampus.guards"
    label = "guards"
    verbose_name = _("Security guards")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import audit_labels, signals, today  # noqa: F401  (timeline labels)
        from .services import VIEW

        signals.connect()
        today.register()
        nav.register(
            nav.Item(
                "guards:home", _("Guards and staffing"), "person-badge", VIEW, group="security", order=30
            ),
        )
