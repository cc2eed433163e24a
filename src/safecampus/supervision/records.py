"""Interviews (约谈) and notices or penalties (通报 / 处罚 / 问责) a bureau records about a school."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit
from safecampus.hazards.models import Hazard

from .common import acting_bureau, line, past_date, school_of, text
from .models import Interview, Sanction, SanctionKind

MAX_PEOPLE = 20


def _hazard(school: Unit, value: Any) -> Hazard | None:
    if value in (None, ""):
        return None
    try:
        pk = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        raise Invalid(_("Choose a hazard of this school."), field="hazard") from None
    hazard = Hazard.objects.filter(pk=pk, unit=school).first()
    if hazard is None:
        raise Invalid(_("Choose a hazard of this school."), field="hazard")
    return hazard


def _people(rows: Any) -> list[dict[str, str]]:
    out = []
    for row in rows or []:
        if not isinstance(row, dict):
            raise Invalid(_("Name the people interviewed."), field="people")
        name, post = line(row.get("name"), "people", limit=40), line(row.get("post"), "people", limit=60)
        if name:
            out.append({"name": name, "post": post})
        elif post:
            raise Invalid(_("Give the name of each person interviewed."), field="people")
    if not out:
        raise Invalid(_("Name the people interviewed."), field="people")
    if len(out) > MAX_PEOPLE:
        raise Invalid(_("At most %(n)s people per interview.") % {"n": MAX_PEOPLE}, field="people")
    return out


def record_interview(school: Unit, *, actor: Any, data: dict[str, Any]) -> Interview:
    school = school_of(school)
    bureau = acting_bureau(actor, school)
    interview = Interview(
        bureau=bureau,
        hazard=_hazard(school, data.get("hazard")),
        date=past_date(data.get("date")),
        people=_people(data.get("people")),
        reason=text(data.get("reason"), "reason", required=_("Say why the interview was held.")),
        record=text(data.get("record"), "record", limit=8000),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    interview.set_unit(school)
    with transaction.atomic():
        interview.save()
        audit.record(actor, "supervision.interview", interview, after={
            "date": interview.date.isoformat(), "people": interview.people,
            "hazard": interview.hazard.number if interview.hazard else None})  # fmt: skip
    return interview


def record_sanction(school: Unit, *, actor: Any, data: dict[str, Any]) -> Sanction:
    school = school_of(school)
    bureau = acting_bureau(actor, school)
    kind = data.get("kind")
    if kind not in SanctionKind.values:
        raise Invalid(_("Choose notice or penalty."), field="kind")
    sanction = Sanction(
        bureau=bureau,
        hazard=_hazard(school, data.get("hazard")),
        kind=kind,
        measure=line(data.get("measure"), "measure"),
        date=past_date(data.get("date")),
        text=text(data.get("text"), "text", required=_("Write the decision.")),
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if kind == SanctionKind.PENALTY and not sanction.measure:
        raise Invalid(_("Name the penalty, e.g. withdrawn from awards."), field="measure")
    sanction.set_unit(school)
    with transaction.atomic():
        sanction.save()
        audit.record(actor, "supervision.sanction", sanction, after={
            "kind": kind, "measure": sanction.measure, "date": sanction.date.isoformat(),
            "hazard": sanction.hazard.number if sanction.hazard else None})  # fmt: skip
    return sanction
