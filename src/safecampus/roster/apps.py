from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "safecampus.roster"
    label = "roster"
    verbose_name = _("Roster")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm, Role

        nav.register(
            nav.Item("roster:my_class", _("My class"), "easel", Role.HEAD_TEACHER, group="system", order=10),
            nav.Item(
                "roster:my_children", _("My children"), "balloon-heart", Role.PARENT, group="system", order=15
            ),
            nav.Item("roster:home", _("Roster"), "person-vcard", Perm.VIEW_USERS, group="system", order=20),
            nav.Item(
                "roster_year:transfer_list",
                _("Transfers"),
                "arrow-left-right",
                Perm.VIEW_USERS,
                group="system",
                order=40,
            ),
        )
        from .slip_jobs import register_slip_jobs

        register_slip_jobs()
        from safecampus.core.access import Teaching, register_teaching
        from safecampus.core.people import register_person_lookup

        from . import teaching  # its receivers clear class links when a role ends

        register_teaching(Teaching(teaching.taught_or_none, teaching.teaches, teaching.classes_taught_by))
        from .queries import people_by_student_no

        register_person_lookup(people_by_student_no)
