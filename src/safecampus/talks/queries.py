"""The read side of the 1530 register, always scoped: the classes a user may read or record
for, the talk due for a class on a day (live from the calendar), the register of a month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone

from safecampus.core import access
from safecampus.core.places import can_view_unit, id_param
from safecampus.core.policy import policy_for
from safecampus.core.roles import Perm
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import SchoolClass
from safecampus.schoolcal.calendar import calendar_for

from . import cover, due, topics
from .models import Talk, TalkDue


def class_for(user: Any, class_id: Any) -> SchoolClass:
    """A class the user may read (its school's staff, the bureaus above, its teachers); 404
    alike for missing and forbidden."""
    pk = id_param(class_id)
    klass = (
        SchoolClass.objects.visible_to(user).filter(pk=pk, unit__is_active=True)
        .select_related("grade", "unit", "head_teacher").first()
    )  # fmt: skip
    if klass is None:
        raise Http404
    return klass


def readable_class(user: Any, class_id: Any, day: dt.date | None = None) -> SchoolClass:
    """A class whose 1530 talks the user may read: its school's duties readers and the bureaus
    above (`duties.view`), its head teacher, a teacher covering it on `day`; 404 alike for the
    rest (other members of the school — pupils, parents, guards — included) and for missing."""
    klass = class_for(user, class_id)
    if can_view_unit(user, klass.unit, Perm.VIEW_DUTIES) or cover.may_record(
        user, klass, day or timezone.localdate()
    ):
        return klass
    raise Http404


def recordable_classes(user: Any, day: dt.date) -> list[SchoolClass]:
    """The classes the user may record a talk for on `day`: those they teach, and those a
    registered cover rule gives them at their schools."""
    taught = {
        k.pk: k for k in access.teaching().classes(user).select_related("grade", "unit", "head_teacher")
    }
    if cover._RULES:
        schools = [m.unit_id for m in access.memberships(user, Perm.RECORD_TALKS, bureau=False)]
        if schools:
            year = current_school_year(day)
            more = SchoolClass.objects.filter(unit_id__in=schools, grade__school_year=year).select_related(
                "grade", "unit", "head_teacher"
            )
            for k in more:
                if k.pk not in taught and cover.covers(user, k, day):
                    taught[k.pk] = k
    return sorted(taught.values(), key=lambda k: (k.unit_path, k.grade.level, k.number))


@dataclass
class DueTalk:
    school_class: SchoolClass
    date: dt.date
    kind: str
    minutes: int
    suggested_topic: str
    talk: Talk | None

    @property
    def done(self) -> bool:
        return self.talk is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "class_id": self.school_class.pk,
            "date": self.date,
            "kind": self.kind,
            "minutes": self.minutes,
            "suggested_topic": self.suggested_topic,
            "done": self.done,
        }


def due_for(classes: list[SchoolClass], day: dt.date) -> list[DueTalk]:
    """The talk due on `day` for each class that has one (with its record when done)."""
    out: list[DueTalk] = []
    cals: dict[int, Any] = {}
    policies: dict[int, Any] = {}
    suggested: dict[int, str] = {}  # per school: its month theme is read once, not once a class
    talks = {t.school_class_id: t for t in Talk.objects.filter(school_class__in=classes, date=day)}
    for k in classes:
        if k.unit_id not in cals:
            cals[k.unit_id] = calendar_for(k.unit, on=day)
            policies[k.unit_id] = policy_for(k.unit, day)
        d = due.due_on(cals[k.unit_id], day, policies[k.unit_id])
        if d is None:
            continue
        if k.unit_id not in suggested:
            suggested[k.unit_id] = topics.suggested_topic(k.unit, day, policy=policies[k.unit_id])
        out.append(DueTalk(k, day, d.kind, d.minutes, suggested[k.unit_id], talks.get(k.pk)))
    return out


@dataclass
class RegisterDay:
    date: dt.date
    kind: str
    minutes: int
    talk: Talk | None
    missed: bool
    upcoming: bool = False


def register_days(klass: SchoolClass, first: dt.date, last: dt.date) -> list[RegisterDay]:
    """Each school day of the month with its due talk and record (missed: a past day settled as
    due and not done)."""
    today = timezone.localdate()
    cal = calendar_for(klass.unit, on=first)
    policy = policy_for(klass.unit, first)
    talks = {
        t.date: t
        for t in Talk.objects.filter(school_class=klass, date__range=(first, last)).select_related(
            "recorded_by"
        )
    }
    settled = {d.date: d for d in TalkDue.objects.filter(class_id=klass.pk, date__range=(first, last))}
    out = []
    day = first
    while day <= last:
        d = due.due_on(cal, day, policy)
        known = settled.get(day)
        if known is not None or d is not None:
            kind = known.kind if known is not None else d.kind  # type: ignore[union-attr]
            minutes = known.minutes if known is not None else d.minutes  # type: ignore[union-attr]
            talk = talks.get(day)
            # Missed: a past day settled as due (the roll-up's fact, as the statistics and the
            # "today" cards count it) without a record — not a day before the class existed.
            missed = talk is None and day < today and known is not None
            out.append(RegisterDay(day, kind, minutes, talk, missed, day > today))
        day += dt.timedelta(days=1)
    return out


def talks_visible(user: Any) -> Any:
    return Talk.objects.visible_to(user)


def missed_days(klass: SchoolClass, first: dt.date, last: dt.date) -> list[dt.date]:
    """Due days in the range (before today) without a record."""
    return [r.date for r in register_days(klass, first, last) if r.missed]
