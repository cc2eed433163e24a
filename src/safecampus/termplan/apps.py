from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TermPlanConfig(AppConfig):
    name = "safecampus.termplan"
    label = "termplan"
    verbose_name = _("Term safety plans")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        from . import audit_labels, counting, today_cards  # noqa: F401  (labels, the roll-up, the cards)
        from .queries import theme_for

        today_cards.register()
        nav.register(
            nav.Item("termplan:home", _("Term safety plans"), "calendar-range", Perm.VIEW_DUTIES,
                     group="duties", order=30),
        )  # fmt: skip
        try:  # the 1530 talks suggest topics from the month's theme (built in parallel)
            from safecampus.talks import topics

            topics.register_theme_source(theme_for)
        except (ImportError, AttributeError):
            pass
