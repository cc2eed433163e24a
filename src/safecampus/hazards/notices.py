"""Who hears about a hazard, through the inbox, after the change has committed.

Texts are stored untranslated (`gettext_noop`) with parameters and shown in the reader's language;
dedupe keys make a repeated job or a retried request tell nobody twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import holders_of as holders
from safecampus.inbox.models import NotificationKind
from safecampus.inbox.services import notify

from .models import Hazard


def bureau_of(school: Unit, kind: str) -> Unit | None:
    """The school's ancestor bureau of `kind` (county, city)."""
    return Unit.objects.filter(path__in=school.ancestor_paths(), kind=kind).first()


def _send(hazard: Hazard, users: Iterable[Any], title: str, key: str, **params: Any) -> int:
    return notify(
        users,
        kind=NotificationKind.HAZARD,
        title=title,
        body=gettext_noop("%(number)s at %(school)s: %(location)s"),
        params={"number": hazard.number, "school": hazard.unit.name, "location": hazard.location, **params},
        link=reverse("hazards:detail", args=[hazard.pk]),
        dedupe_key=f"hazard:{hazard.pk}:{key}",
        unit=hazard.unit,
    )


def reported(hazard_id: int) -> int:
    hazard = Hazard.objects.select_related("unit").filter(pk=hazard_id).first()
    if hazard is None:
        return 0
    users = holders(Perm.MANAGE_HAZARDS, [hazard.unit]) - {hazard.reported_by_id}
    return _send(hazard, users, gettext_noop("New hazard to confirm: %(number)s"), "reported")


def acted(hazard_id: int, action: str) -> int:
    """Tell the next person in the loop what is now theirs to do."""
    hazard = Hazard.objects.select_related("unit").filter(pk=hazard_id).first()
    if hazard is None:
        return 0
    school = hazard.unit
    step = f"{action}:{hazard.status_changed_at.timestamp():.0f}"
    if action == "confirm" and hazard.is_major:
        county = bureau_of(school, "county")
        users = holders(Perm.ACCEPT_HAZARDS, [county] if county else [])
        return _send(hazard, users, gettext_noop("Major hazard confirmed: %(number)s"), step)
    if action == "assign":
        title = gettext_noop("Hazard to rectify: %(number)s, by %(date)s")
        return _send(hazard, [hazard.rectifier_id], title, step, date=hazard.deadline.isoformat())
    if action == "send_back":
        return _send(hazard, [hazard.rectifier_id], gettext_noop("Rectification sent back: %(number)s"), step)
    if action == "submit":
        if hazard.is_major:
            county = bureau_of(school, "county")
            users = holders(Perm.ACCEPT_HAZARDS, [county] if county else [])
        else:
            users = holders(Perm.VERIFY_HAZARDS, [school]) - {hazard.rectifier_id}
        return _send(hazard, users, gettext_noop("Rectification to verify: %(number)s"), step)
    if action == "verify":
        users = {hazard.reported_by_id, hazard.assigned_by_id, hazard.rectifier_id} - {hazard.verified_by_id}
        return _send(hazard, users, gettext_noop("Hazard closed: %(number)s"), step)
    return 0
