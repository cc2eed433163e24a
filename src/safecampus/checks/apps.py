from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "safecampus.checks"
    label = "checks"
    verbose_name = _("Checks")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        from . import counting, reminders, today_cards  # noqa: F401  (the roll-up, the reminder job)
        from .stats_access import stats_reader

        today_cards.register()
        nav.register(
            nav.Item(
                "checks:library",
                _("Checklists"),
                "list-check",
                Perm.VIEW_CHECKS,
                group="prevention",
                order=30,
            ),
            nav.Item("checks:my_tasks", _("My checks"), "clipboard-check", Perm.DO_CHECKS,
                     group="prevention", order=31),
            nav.Item("check_stats:dashboard", _("Check statistics"), "clipboard-data", stats_reader,
                     group="prevention", order=32),
        )  # fmt: skip
