from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "safecampus.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from safecampus.core import nav
        from safecampus.core.roles import Perm

        nav.register(
            nav.Item(
                "accounts:user_list",
                _("People and roles"),
                "people",
                Perm.VIEW_USERS,
                group="system",
                order=30,
            ),
        )
