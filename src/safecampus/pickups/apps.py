from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PickupsConfig(AppConfig):
    name = "safecampus.pickups"
    label = "pickups"
    verbose_name = _("Pickups")
