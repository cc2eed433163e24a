from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilityConfig(AppConfig):
    name = "safecampus.responsibility"
    label = "responsibility"
    verbose_name = _("Responsibility letters")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        from . import counting, today_cards  # noqa: F401  (the roll-up registers itself)

        today_cards.register()
        nav.register(
            nav.Item(
                "responsibility:home",
                _("Responsibility letters"),
                "pen",
                (nav.staff_with(Perm.SIGN_LETTERS), nav.staff_with(Perm.VIEW_DUTIES)),
                group="duties",
                order=40,
            ),
        )
