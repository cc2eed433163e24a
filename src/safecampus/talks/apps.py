from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalksConfig(AppConfig):
    name = "safecampus.talks"
    label = "talks"
    verbose_name = _("1530 safety talks")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        from . import audit_labels, counting, tasks, today_cards  # noqa: F401  (roll-up, jobs, labels)

        today_cards.register()
        nav.register(
            nav.Item("talks:today", _("1530 safety talks"), "megaphone",
                     (Perm.RECORD_TALKS, Perm.VIEW_DUTIES),
                     group="duties", order=10),
        )  # fmt: skip
