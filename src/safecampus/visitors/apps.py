from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitorsConfig(AppConfig):
    name = "safecampus.visitors"
    label = "visitors"
    verbose_name = _("Visitors")
