"""How term plan events read on timelines and in the audit log (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safecampus.core.audit_render import Choice, Field, Obj, Verb, register_fields, register_verbs

from .models import ItemKind, ItemStatus, PlanStatus

register_verbs(
    {
        "term_plan.created": Verb(_("Term safety plan created"), "calendar-plus"),
        "term_plan.published": Verb(_("Term safety plan published"), "megaphone"),
        "term_plan.withdrawn": Verb(_("Term safety plan withdrawn"), "eye-slash"),
        "month_theme.changed": Verb(_("Monthly theme changed"), "pencil"),
        "plan_item.added": Verb(_("Plan item added"), "plus-circle"),
        "plan_item.changed": Verb(_("Plan item changed"), "pencil-square"),
        "plan_item.done": Verb(_("Plan item done"), "check2-circle"),
        "plan_item.summarised": Verb(_("Plan item summarised"), "journal-check"),
        "plan_item.reopened": Verb(_("Plan item reopened"), "arrow-counterclockwise"),
        "plan_item.check_scheduled": Verb(_("Check scheduled for a plan item"), "calendar-event"),
    }
)
register_fields(
    "termplan.termplan",
    {
        "title": _("Title"),
        "term": _("Term"),
        "term_start": _("Term starts"),
        "term_end": _("Term ends"),
        "status": Field(_("Status"), Choice(PlanStatus)),
        "template": _("Template"),
        "items": pgettext_lazy("term plan", "Items"),
    },
)
register_fields(
    "termplan.monththeme", {"theme": _("Theme"), "summary": pgettext_lazy("term plan", "Summary")}
)
register_fields(
    "termplan.planitem",
    {
        "title": _("Title"),
        "kind": Field(pgettext_lazy("term plan item", "Kind"), Choice(ItemKind)),
        "planned_on": _("Planned date"),
        "owner": _("Owner"),
        "status": Field(_("Status"), Choice(ItemStatus)),
        "done_on": _("Done on"),
        "note": _("Evidence"),
        "file": _("Photo or document"),
        "summary": pgettext_lazy("term plan", "Summary"),
        "schedule": Field(_("Check schedule"), Obj("checks.schedule")),
    },
)
