"""A notice's reach at a node, with drill-down province → city → county → school → grade → class.

`recipients` is counted from the roster and the memberships now (`notices.audience`); `read` and
`confirmed` are the `notice_reach` roll-up's cells plus pending deltas (`notices.rollup`). Rates
are fractions 0–1, None when nobody is addressed there. Only counts: no name of a family is part
of a node's figures (head teachers see their class's families on `notices.families`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from safecampus.core.models import Unit
from safecampus.core.places import Place, id_param, unit_named
from safecampus.core.rollups import ratio
from safecampus.roster.models import Grade, SchoolClass, StudentStatus

from . import rollup
from .audience import Audience, Counts, recipient_counts
from .models import Notice
from .queries import Standing


@dataclass
class Figures:
    place: Place
    recipients: int
    read: int
    confirmed: int

    @staticmethod
    def rate(part: int, whole: int) -> float | None:
        if not whole:
            return None
        return ratio(min(1.0, part / whole))

    @property
    def read_rate(self) -> float | None:
        return self.rate(self.read, self.recipients)

    @property
    def confirm_rate(self) -> float | None:
        return self.rate(self.confirmed, self.recipients)

    @property
    def unread(self) -> int:
        return max(0, self.recipients - self.read)

    @property
    def unconfirmed(self) -> int:
        return max(0, self.recipients - self.confirmed)

    def as_dict(self) -> dict[str, Any]:
        p = self.place
        return {
            "unit": p.unit.code,
            "name": p.name,
            "grade": p.grade.pk if p.grade is not None and p.school_class is None else None,
            "class": p.school_class.pk if p.school_class is not None else None,
            "recipients": self.recipients,
            "read": self.read,
            "confirmed": self.confirmed,
            "read_rate": self.read_rate,
            "confirm_rate": self.confirm_rate,
        }


def place_of(notice: Notice, st: Standing, code: Any = None, grade: Any = None, klass: Any = None) -> Place:
    """The node asked for (the user's highest reach root by default); 404 alike for a node
    outside the notice's subtree or the user's standing."""
    if code in (None, ""):
        if st.reach_roots:
            return Place(min(st.reach_roots, key=lambda u: (u.depth, u.path)))
        if st.classes:
            k = st.classes[0]
            return Place(k.unit, k.grade, k, whole_unit=False)
        raise Http404
    unit = unit_named(code)
    if not unit.path.startswith(notice.unit.path):
        raise Http404
    if klass not in (None, ""):
        found = (
            SchoolClass.objects.filter(pk=id_param(klass), unit=unit).select_related("grade", "unit").first()
        )
        if found is None or not (st.may_read_reach(unit) or any(k.pk == found.pk for k in st.classes)):
            raise Http404
        return Place(unit, found.grade, found, whole_unit=st.may_read_reach(unit))
    if not st.may_read_reach(unit):
        raise Http404
    if grade not in (None, ""):
        found_grade = Grade.objects.filter(pk=id_param(grade), unit=unit).first()
        if found_grade is None:
            raise Http404
        return Place(unit, found_grade)
    return Place(unit)


def _recipients(counts: Counts, place: Place) -> int:
    if place.school_class is not None:
        return counts.at_class(place.unit.path, place.school_class.pk)
    if place.grade is not None:
        return counts.at_grade(place.unit.path, place.grade.pk)
    return counts.at_unit(place.unit.path)


def figures(notice: Notice, places: list[Place], counts: Counts | None = None) -> list[Figures]:
    """Each place's figures (one recount of the recipients under their common ancestor)."""
    if not places:
        return []
    if counts is None:
        common = min((p.unit.path for p in places), key=len)
        while not all(p.unit.path.startswith(common) for p in places):
            common = common[: len(common) - Unit.steplen]
        counts = recipient_counts(Audience.of(notice.audience), common)
    cells = rollup.read(notice.pk, [p.key for p in places], {p.unit.pk: p.unit.path for p in places})
    out = []
    for p in places:
        c = cells.get(p.key, {})
        out.append(Figures(p, _recipients(counts, p), c.get("read", 0), c.get("confirmed", 0)))
    return out


def children(notice: Notice, place: Place) -> list[Place]:
    """The nodes one level down: units of a bureau (those the audience reaches), grades of a
    school, classes of a grade."""
    aud = Audience.of(notice.audience)
    unit = place.unit
    if place.school_class is not None:
        return []
    if place.grade is not None:
        classes = SchoolClass.objects.filter(grade=place.grade).select_related("grade").order_by("number")
        return [Place(unit, place.grade, k) for k in classes]
    if unit.is_bureau:
        kids = unit.get_children().filter(is_active=True).order_by("path")
        return [
            Place(u)
            for u in kids
            if (aud.under(u.path) or any(t.startswith(u.path) for t in aud.paths))
            and (u.is_bureau or aud.typed(u.school_type, True) or (aud.roles and not aud.school_types))
        ]
    if not aud.families:
        return []
    grades = (
        Grade.objects.filter(unit=unit, classes__students__status=StudentStatus.ENROLLED)
        .distinct()
        .order_by("level", "pk")
    )
    return [Place(unit, g) for g in grades]


def reach_with_children(notice: Notice, place: Place) -> tuple[Figures, list[Figures]]:
    """The node's figures and its children's, from one recount of the recipients."""
    kids = children(notice, place)
    counts = recipient_counts(Audience.of(notice.audience), place.unit.path)
    found = figures(notice, [place, *kids], counts)
    return found[0], found[1:]
