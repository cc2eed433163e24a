"""How endpoint changes read on the audit timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Verb, register_fields, register_verbs

register_verbs(
    {
        "webhook.created": Verb(_("Webhook endpoint added"), "broadcast"),
        "webhook.rotated": Verb(_("Webhook secret rotated"), "key"),
        "webhook.enabled": Verb(_("Webhook endpoint switched on"), "play"),
        "webhook.disabled": Verb(_("Webhook endpoint switched off"), "pause"),
    }
)

register_fields(
    "webhooks.endpoint",
    {
        "url": _("URL"),
        "events": _("Events"),
        "until": _("Previous secret valid until"),
    },
)
