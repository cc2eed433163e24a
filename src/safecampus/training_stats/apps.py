from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """Training statistics (the roll-up engine itself lives in core.rollups). The app label stays
    "stats" so its tables and migrations keep their names."""

    name = "safecampus.training_stats"
    label = "stats"
    verbose_name = _("Training statistics")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm, Role

        from . import rollup, signals  # noqa: F401  (roll-ups registered, receivers connected)
        from .summary_job import register_summary_job

        register_summary_job()
        from . import today

        today.register()

        viewers = (Perm.VIEW_TRAINING, Role.HEAD_TEACHER)
        nav.register(
            nav.Item(
                "stats:dashboard",
                _("Training statistics"),
                "bar-chart-line",
                viewers,
                group="training",
                order=30,
            ),
            nav.Item(
                "compliance:page", _("Compliance"), "clipboard-check", viewers, group="training", order=40
            ),
        )
