from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "safecampus.training"
    label = "training"
    verbose_name = _("Safety training")

    def ready(self) -> None:
        from safecampus.core import nav

        from . import today

        today.register()
        from safecampus.core.roles import Perm, Role

        nav.register(
            nav.Item("training:home", _("Training"), "mortarboard", group="training", order=10),
            nav.Item(
                "training:classes",
                _("Class learning"),
                "easel2",
                Role.HEAD_TEACHER,
                group="training",
                order=20,
            ),
            nav.Item(
                "training:manage",
                _("Training content"),
                "collection-play",
                Perm.MANAGE_TRAINING,
                group="training",
                order=50,
            ),
        )
