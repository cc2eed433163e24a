from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "safecampus.roster"
    label = "roster"
    verbose_name = _("Roster")

    def ready(self) -> None:
        from safecampus.core.people import register_person_lookup

        from . import teaching  # noqa: F401  (its receivers clear class links when a role ends)
        from .queries import people_by_student_no

        register_person_lookup(people_by_student_no)
