"""How duty-roster events read on timelines and in the audit log (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Choice, Field, Person, Verb, register_fields, register_verbs

from .models import Kind, Rotation, ShiftStatus, Slot, SwapStatus

register_verbs(
    {
        "duty.shift_planned": Verb(_("Duty shift planned"), "calendar-plus"),
        "duty.shift_changed": Verb(_("Duty shift changed"), "pencil"),
        "duty.shift_removed": Verb(_("Duty shift removed"), "calendar-x"),
        "duty.shift_swapped": Verb(_("Duty shift swapped"), "arrow-left-right"),
        "duty.taken_over": Verb(_("Duty shift taken over"), "box-arrow-in-right"),
        "duty.handed_over": Verb(_("Duty shift handed over"), "box-arrow-right"),
        "duty.missed": Verb(_("Duty shifts not taken over"), "alarm"),
        "duty.rota_created": Verb(_("Rota created"), "list-ol"),
        "duty.rota_generated": Verb(_("Rota shifts planned"), "calendar-week"),
        "duty.swap_requested": Verb(_("Shift swap requested"), "arrow-left-right"),
        "duty.swap_approved": Verb(_("Shift swap approved"), "check-circle"),
        "duty.swap_rejected": Verb(_("Shift swap rejected"), "x-circle"),
    }
)
_SHIFT = {
    "kind": Field(_("Kind of shift"), Choice(Kind)),
    "slot": Field(_("Slot"), Choice(Slot)),
    "date": _("Day"),
    "person": Field(_("Person"), Person()),
    "post": _("Post"),
    "start": _("Shift start"),
    "end": _("Shift end"),
    "status": Field(_("Status"), Choice(ShiftStatus)),
    "note": _("Note"),
    "late": _("Taken over late"),
}
register_fields("duty.shift", _SHIFT)
register_fields(
    "duty.rota",
    {
        **_SHIFT,
        "people": _("People in order"),
        "weekdays": _("Weekdays"),
        "rotation": Field(_("Rotation"), Choice(Rotation)),
        "starts_on": _("From"),
        "ends_on": _("Until"),
        "shifts": _("Shifts"),
        "from": _("From"),
        "to": _("Until"),
    },
)
register_fields(
    "duty.swap",
    {
        "status": Field(_("Status"), Choice(SwapStatus)),
        "note": _("Note"),
        "reason": _("Reason"),
        "to": Field(_("Swapped to"), Person()),
        "shift": _("Shift"),
    },
)
register_fields(["duty.missed"], {"shifts": _("Shifts")})
