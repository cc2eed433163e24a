from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "safecampus.duty"
    label = "duty"
    verbose_name = _("Duty rosters")

    def ready(self) -> None:
        from . import today_cards
        from .cover import on_duty_for_class

        today_cards.register()
        try:  # the talks app lets the teacher on duty record a class's 1530 talk
            from safecampus.talks import cover as talk_cover

            talk_cover.register(on_duty_for_class)
        except (ImportError, AttributeError):
            pass
