from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TermPlanConfig(AppConfig):
    name = "safecampus.termplan"
    label = "termplan"
    verbose_name = _("Term safety plans")
