from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "safecampus.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self) -> None:
        from . import today

        today.register()
