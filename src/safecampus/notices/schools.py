"""A bureau's asks of the schools it addresses: acknowledge (an urgent warning, within hours),
forward to the school's classes and parents (the school adds its own lines: `create_notice` with
`forwarded_from`), report back ("measures taken"). One `SchoolResponse` per (notice, school),
written when the school acts; the board lists every school addressed with what it has done, and
those that have not acknowledged in time first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.cleaning import clean_text
from safecampus.core.errors import Conflict
from safecampus.core.models import Unit, UnitKind

from .audience import Audience
from .models import Notice, NoticeStatus, SchoolResponse
from .queries import Standing, bureau_asks


@dataclass
class SchoolRow:
    unit: Unit
    response: SchoolResponse | None
    ack_due: Any

    @property
    def acknowledged_at(self) -> Any:
        return self.response.acknowledged_at if self.response else None

    @property
    def reported_at(self) -> Any:
        return self.response.reported_at if self.response else None

    @property
    def forward_id(self) -> int | None:
        return self.response.forward_id if self.response else None

    @property
    def late(self) -> bool:
        """Not acknowledged and the time to acknowledge is over."""
        return self.ack_due is not None and self.acknowledged_at is None and timezone.now() > self.ack_due


def addressed_schools(notice: Notice, under: Unit) -> list[Unit]:
    """The active schools under `under` that the notice addresses."""
    aud = Audience.of(notice.audience)
    qs = Unit.objects.filter(kind=UnitKind.SCHOOL, is_active=True, path__startswith=under.path).order_by(
        "path"
    )
    return [u for u in qs if aud.under(u.path) and aud.typed(u.school_type, True)]


def school_rows(notice: Notice, under: Unit) -> list[SchoolRow]:
    if not bureau_asks(notice):
        return []
    units = addressed_schools(notice, under)
    responses = {r.unit_id: r for r in SchoolResponse.objects.filter(notice=notice, unit__in=units)}
    rows = [SchoolRow(u, responses.get(u.pk), notice.ack_deadline) for u in units]
    if notice.ack_hours:
        rows.sort(key=lambda r: (r.acknowledged_at is not None, r.unit.path))
    return rows


def school_of(st: Standing, unit_id: Any = None) -> Unit:
    """The school the user answers for (the one named, or their only one)."""
    if unit_id not in (None, ""):
        found = next((u for u in st.schools if str(u.pk) == str(unit_id) or u.code == unit_id), None)
    else:
        found = st.schools[0] if len(st.schools) == 1 else None
    if found is None:
        raise PermissionDenied("notices.respond")
    return found


def _response(notice: Notice, school: Unit) -> SchoolResponse:
    row, _created = SchoolResponse.objects.get_or_create(
        notice=notice, unit=school, defaults={"unit_path": school.path}
    )
    return SchoolResponse.objects.select_for_update().get(pk=row.pk)


def _open(notice: Notice) -> None:
    if notice.status != NoticeStatus.PUBLISHED:
        raise Conflict(_("This notice is no longer in force."))


def acknowledge(notice: Notice, school: Unit, *, actor: Any) -> tuple[SchoolResponse, bool]:
    """The school acknowledges the warning; a second time changes nothing."""
    _open(notice)
    with transaction.atomic():
        row = _response(notice, school)
        if row.acknowledged_at is not None:
            return row, False
        row.acknowledged_at, row.acknowledged_by = timezone.now(), actor
        row.save(update_fields=["acknowledged_at", "acknowledged_by"])
        late = notice.ack_deadline is not None and row.acknowledged_at > notice.ack_deadline
        audit.record(actor, "notices.acknowledged", notice, unit=school,
                     after={"school": school.name, "late": late})  # fmt: skip
    return row, True


def report(notice: Notice, school: Unit, *, actor: Any, text: Any) -> SchoolResponse:
    """The school reports the measures it took (again: the new text replaces the old)."""
    _open(notice)
    if not notice.require_report:
        raise Conflict(_("This notice asks for no report."))
    body = clean_text(text, 4000, "report", multiline=True, required=_("Describe the measures taken."))
    with transaction.atomic():
        row = _response(notice, school)
        before = {"report": row.report} if row.report else None
        row.report, row.reported_at, row.reported_by = body, timezone.now(), actor
        row.save(update_fields=["report", "reported_at", "reported_by"])
        audit.record(actor, "notices.reported", notice, unit=school, before=before,
                     after={"school": school.name, "report": body})  # fmt: skip
    return row
