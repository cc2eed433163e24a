"""Required items missing or below the policy's minimum (`defence.min_counts`) become hazards:
one per school and kind while the last one is open (a `Shortfall` row links it), raised by the
school's manager from the register page, or by the nightly job for every school that keeps a
register (the reporter then is the school's safety office, else its principal or administrator)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Role
from safecampus.core.scoping import require

from .facts import quantities
from .models import Equipment, Kind, Shortfall
from .perms import MANAGE
from .status import defence_policy, shortfalls

HAZARD_ID_SPACE = uuid.UUID("c41d7e02-9b3a-4f68-8e15-2a7c6d9b0f54")


def missing(school: Unit) -> list[tuple[str, int, int]]:
    """(kind, have, need) below the minimum at the school."""
    return shortfalls(quantities(school), defence_policy(school))


def _open_hazard(school: Unit, kind: str) -> bool:
    last = Shortfall.objects.filter(unit=school, kind=kind).select_related("hazard").first()
    return last is not None and last.hazard is not None and last.hazard.is_open


def report_missing(school: Unit, *, actor: Any) -> list[Shortfall]:
    """Raise a hazard for each kind below the minimum that has no open one yet."""
    from safecampus.hazards import services as hazards

    require(actor, MANAGE, school)
    made: list[Shortfall] = []
    day = timezone.localdate().isoformat()
    for kind, have, need in missing(school):
        if _open_hazard(school, kind):
            continue
        label = Kind(kind).label
        with transaction.atomic():
            hazard, _created = hazards.report(
                school,
                actor=actor,
                data={
                    "client_id": str(uuid.uuid5(HAZARD_ID_SPACE, f"{school.pk}:{kind}:{day}")),
                    "source": "self_check",
                    "category": "security",
                    "location": str(_("Defence register")),
                    "description": _(
                        "Defence equipment below the required minimum: %(kind)s, %(have)s of %(need)s."
                    )
                    % {"kind": label, "have": have, "need": need},
                },
            )
            row = Shortfall(kind=kind, have=have, need=need, hazard=hazard)
            row.set_unit(school)
            row.save()
            audit.record(actor, "defence.shortfall", row, after={"kind": kind, "have": have, "need": need})
        made.append(row)
    return made


def reporter(school: Unit) -> Any:
    for role in (Role.SAFETY_STAFF, Role.PRINCIPAL, Role.SCHOOL_ADMIN):
        m = Membership.objects.filter(unit=school, role=role, is_active=True).select_related("user").first()
        if m is not None and m.user.is_active:
            return m.user
    return None


def report_all() -> int:
    """The nightly job: every school keeping a register."""
    n = 0
    ids = Equipment.objects.values_list("unit_id", flat=True).distinct()
    for school in Unit.objects.filter(pk__in=ids, kind=UnitKind.SCHOOL, is_active=True):
        actor = reporter(school)
        if actor is not None:
            n += len(report_missing(school, actor=actor))
    return n
