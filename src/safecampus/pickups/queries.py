"""Reading pickups: the pupils a user may act on, their authorised people, today's pickups.

Who may act on a pupil: the school's gate (WORK_GATE at the pupil's school), the class's head
teacher, and the pupil's own parents (to manage their people). Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse

from safecampus.core.access import holds_at, signed_in, teaching
from safecampus.core.api import MAX_ID
from safecampus.core.roles import Perm
from safecampus.roster.models import Guardian, SchoolClass, Student, StudentStatus

from .models import Pickup, PickupPerson


def _id(value: Any) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 1 <= n <= MAX_ID:
        raise Http404
    return n


def is_guardian(user: Any, student: Student) -> bool:
    return signed_in(user) and Guardian.objects.filter(student=student, parent=user).exists()


def works_gate(user: Any, student: Student) -> bool:
    return holds_at(user, Perm.WORK_GATE, student.unit)


def teaches_pupil(user: Any, student: Student) -> bool:
    klass = student.school_class
    return klass is not None and teaching().teaches(user, klass)


def may_verify(user: Any, student: Student) -> bool:
    """The gate or the class's head teacher may record a pickup."""
    return works_gate(user, student) or teaches_pupil(user, student)


def student_for(user: Any, student_id: Any, *, manage: bool = False) -> Student:
    """A pupil the user may see at pickup (404 alike for missing and not yours); with `manage`,
    only the pupil's own parents (who manage the pupil's people) or the gate may read."""
    if not signed_in(user):
        raise Http404
    student = (
        Student.objects.select_related("unit", "school_class__grade")
        .filter(pk=_id(student_id), status=StudentStatus.ENROLLED, unit__is_active=True)
        .first()
    )
    if student is None:
        raise Http404
    if is_guardian(user, student) or may_verify(user, student):
        return student
    raise Http404


def person_for(user: Any, person_id: Any) -> PickupPerson:
    person = PickupPerson.objects.select_related("student__unit").filter(pk=_id(person_id)).first()
    if person is None:
        raise Http404
    student_for(user, person.student_id)
    return person


@dataclass
class Authorised:
    """One person who may pick a pupil up: a guardian (derived) or a person a parent added."""

    ref: str  # "g<guardian id>" or "p<person id>"
    kind: str  # "guardian" | "delegate"
    name: str
    relation: str
    phone_masked: str
    photo_url: str | None
    valid_until: dt.date | None
    refusal: str  # "" when they may pick up today
    person: PickupPerson | None = None


def photo_url(person: PickupPerson) -> str | None:
    return reverse("pickups:photo", args=[person.pk]) if person.photo else None


def authorised(student: Student, day: dt.date, *, include_inactive: bool = False) -> list[Authorised]:
    """The pupil's guardians, then the people parents added (valid ones; with `include_inactive`
    also the expired and revoked, for the parent's page)."""
    out = []
    for g in Guardian.objects.filter(student=student).select_related("parent").order_by("id"):
        out.append(
            Authorised(
                ref=f"g{g.pk}",
                kind="guardian",
                name=g.parent.display_name,
                relation=g.relation,
                phone_masked=g.parent.phone_masked if g.parent.phone_enc else "",
                photo_url=None,
                valid_until=None,
                refusal="",
            )
        )
    for p in PickupPerson.objects.filter(student=student).order_by("revoked_at", "-valid_until", "id"):
        refusal = p.refusal_on(day)
        if refusal and not include_inactive:
            continue
        out.append(
            Authorised(
                ref=f"p{p.pk}",
                kind="delegate",
                name=p.name,
                relation=p.relation,
                phone_masked=p.phone_masked if p.phone_enc else "",
                photo_url=photo_url(p),
                valid_until=p.valid_until,
                refusal=refusal,
                person=p,
            )
        )
    return out


def pickups_on(user: Any, school: Any, day: dt.date):
    return (
        Pickup.objects.visible_to(user)
        .filter(unit=school, day=day)
        .select_related("student__school_class__grade", "recorded_by")
        .order_by("-at", "-id")
    )


def classes_at(user: Any, school: Any):
    """The classes of the school whose pickups the user may record (all for the gate)."""
    qs = SchoolClass.objects.filter(unit=school).select_related("grade").order_by("grade__level", "number")
    if holds_at(user, Perm.WORK_GATE, school):
        return qs
    return qs.filter(pk__in=teaching().classes(user).values("pk"))


def children_of(user: Any):
    return (
        Student.objects.filter(guardians__parent=user, status=StudentStatus.ENROLLED)
        .select_related("unit", "school_class__grade")
        .distinct()
    )
