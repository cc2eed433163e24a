"""How visits and the watch list read on a timeline (see core.audit_render)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from safecampus.core.audit_render import Choice, Field, Verb, register_fields, register_verbs

from .models import Source, VisitStatus, WatchReason

register_verbs(
    {
        "visitors.registered": Verb(_("Visit registered"), "person-plus"),
        "visitors.approve": Verb(_("Visit approved"), "check-circle"),
        "visitors.decline": Verb(_("Visit declined"), "x-circle"),
        "visitors.cancel": Verb(_("Visit cancelled"), "slash-circle"),
        "visitors.check_in": Verb(_("Visitor checked in"), "box-arrow-in-right"),
        "visitors.check_out": Verb(_("Visitor checked out"), "box-arrow-right"),
        "visitors.watch_matched": Verb(_("Watch-list match shown to the gate"), "exclamation-octagon"),
        "visitors.watch_added": Verb(_("Put on the watch list"), "person-x"),
        "visitors.watch_removed": Verb(_("Taken off the watch list"), "person-dash"),
        "visitors.link_made": Verb(_("Booking link made"), "link"),
        "visitors.link_renewed": Verb(_("Booking link renewed"), "arrow-repeat"),
    }
)

register_fields(
    "visitors.visit",
    {
        "visitor_name": _("Visitor's name"),
        "phone": _("Mobile"),
        "id_number": _("ID-card number"),
        "purpose": _("Purpose"),
        "host": _("Host"),
        "expected_at": _("Expected at"),
        "plate": _("Vehicle plate"),
        "items": _("Items carried"),
        "status": Field(_("Status"), Choice(VisitStatus)),
        "source": Field(_("Source"), Choice(Source)),
        "reason": _("Reason"),
        "entry": _("Watch-list entry"),
        "on": _("At"),
        "by": _("Matched by"),
    },
)
register_fields(
    "visitors.watchentry",
    {
        "name": _("Name"),
        "id_number": _("ID-card number"),
        "reason": Field(_("Reason"), Choice(WatchReason)),
        "reference": _("Reference"),
        "valid_until": _("Valid until"),
        "is_active": _("On the list"),
    },
)
