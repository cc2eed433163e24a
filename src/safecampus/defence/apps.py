from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefenceConfig(AppConfig):
    name = "safecampus.defence"
    label = "defence"
    verbose_name = _("Defence equipment")
