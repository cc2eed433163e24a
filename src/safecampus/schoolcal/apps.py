from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolCalendarConfig(AppConfig):
    name = "safecampus.schoolcal"
    label = "schoolcal"
    verbose_name = _("School calendar")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        nav.register(
            nav.Item(
                "schoolcal:home",
                _("School calendar"),
                "calendar3",
                nav.staff_with(Perm.VIEW_UNITS),
                group="system",
                order=15,
            ),
        )
