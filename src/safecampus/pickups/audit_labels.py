"""How pickup changes read on a timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Verb, register_verbs

register_verbs(
    {
        "pickups.person_added": Verb(_("Pickup person added"), "person-plus"),
        "pickups.person_revoked": Verb(_("Pickup person revoked"), "person-dash"),
        "pickups.allowed": Verb(_("Pupil picked up"), "box-arrow-right"),
        "pickups.refused": Verb(_("Pickup refused"), "x-octagon"),
    }
)
