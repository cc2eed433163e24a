from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "safecampus.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from safecampus.core import events, nav
        from safecampus.core.roles import Perm

        from . import audit_labels  # noqa: F401  (timeline labels)

        events.domain_event.connect(_on_event, dispatch_uid="webhooks.fan_out")
        nav.register(
            nav.Item(
                "webhooks:list", _("Webhooks"), "broadcast", Perm.MANAGE_WEBHOOKS, group="system", order=60
            ),
        )


def _on_event(sender: object, event: object, **kwargs: object) -> None:
    from .services import fan_out
    from .tasks import schedule_first_attempts

    schedule_first_attempts(fan_out(event))
