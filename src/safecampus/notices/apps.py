from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "safecampus.notices"
    label = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        from . import audit_labels, events, rollup, today  # noqa: F401  (labels, event types, the roll-up)

        today.register()
        nav.register(
            nav.Item("notices:inbox", _("Notices"), "megaphone", group="duties", order=5),
            nav.Item(
                "notices:sent",
                _("Sent notices and reach"),
                "send",
                nav.staff_with(Perm.VIEW_NOTICE_REACH),
                group="duties",
                order=6,
            ),
        )
