"""How patrol changes read on a timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Verb, register_verbs

register_verbs(
    {
        "patrol.route_created": Verb(_("Patrol route created"), "signpost-split"),
        "patrol.route_changed": Verb(_("Patrol route changed"), "pencil"),
        "patrol.checkpoint_added": Verb(_("Checkpoint added"), "geo-alt"),
        "patrol.checkpoint_changed": Verb(_("Checkpoint changed"), "geo"),
        "patrol.scanned": Verb(_("Checkpoints scanned"), "qr-code-scan"),
        "patrol.rounds_lapsed": Verb(_("Patrol rounds lapsed"), "hourglass-bottom"),
        "patrol.observed": Verb(_("Observation on patrol"), "eye"),
    }
)
