from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "safecampus.visitors"
    label = "visitors"
    verbose_name = _("Visitors")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        from . import audit_labels, desk, gatelog, queries, today  # noqa: F401  (timeline labels)

        desk.register_lookup(queries.lookup)
        gatelog.register(queries.log_source)
        today.register()
        nav.register(
            nav.Item(
                "visitors:desk", _("Gate desk"), "door-open", Perm.WORK_GATE, group="security", order=10
            ),
            nav.Item(
                "visitors:log", _("Gate log"), "journal-text", Perm.VIEW_GATE, group="security", order=12
            ),
            nav.Item(
                "visitors:mine",
                _("My visitors"),
                "person-check",
                Perm.HOST_VISITS,
                group="security",
                order=14,
            ),
            nav.Item(
                "visitors:watchlist",
                _("Watch list"),
                "person-x",
                Perm.MANAGE_WATCHLIST,
                group="security",
                order=16,
            ),
        )
