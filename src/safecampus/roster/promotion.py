"""Term promotion (升年级): every class of a school year moves up a grade as one reviewed action.

`preview_promotion` shows what would happen and writes nothing; `promote` does it in one
transaction: the next year's grades and classes (same numbers and names, same head teachers),
enrolled students moved into them, graduating classes' students graduated, enrollment history
closed and opened, one audit event. A year is promoted once; a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import require
from safecampus.core.signals import people_changed

from . import enrollment
from .models import EnrollmentReason, Grade, Promotion, SchoolClass, Student, StudentStatus
from .naming import LEVELS_BY_SCHOOL_TYPE, class_name_without_grade, grade_name, next_grade_level


@dataclass
class PromotionLine:
    """One class of the year being closed, and where it goes."""

    school_class: SchoolClass
    to_level: int | None  # None: the class graduates
    to_grade_name: str
    to_class_name: str
    enrolled: int = 0
    staying: int = 0  # suspended students keep their place in the old class

    @property
    def graduates(self) -> bool:
        return self.to_level is None


@dataclass
class PromotionPreview:
    school: Unit
    from_year: int
    lines: list[PromotionLine] = field(default_factory=list)
    done: Promotion | None = None

    @property
    def to_year(self) -> int:
        return self.from_year + 1

    @property
    def promoted(self) -> int:
        return sum(line.enrolled for line in self.lines if not line.graduates)

    @property
    def graduating(self) -> int:
        return sum(line.enrolled for line in self.lines if line.graduates)

    @property
    def staying(self) -> int:
        return sum(line.staying for line in self.lines)

    @property
    def fingerprint(self) -> str:
        """Changes when anything shown in the preview changes: the confirm button sends it back."""
        text = "|".join(f"{ln.school_class.pk}:{ln.to_level}:{ln.enrolled}:{ln.staying}" for ln in self.lines)
        return hashlib.sha256(f"{self.school.pk}:{self.from_year}:{text}".encode()).hexdigest()[:16]

    def counts(self) -> dict[str, int]:
        return {
            "school_year": self.from_year,
            "classes": len(self.lines),
            "promoted": self.promoted,
            "graduated": self.graduating,
            "staying": self.staying,
        }


def _check_school(school: Unit) -> list[int]:
    if school.kind != UnitKind.SCHOOL:
        raise Invalid(_("Only a school's classes can be promoted."))
    levels = LEVELS_BY_SCHOOL_TYPE.get(school.school_type)
    if not levels:
        raise Invalid(_("Set the school type first: it decides the grades of the school."))
    return levels


def school_years(school: Unit) -> list[int]:
    """School years in which the school has classes, newest first."""
    years = SchoolClass.objects.filter(grade__unit=school).values_list("grade__school_year", flat=True)
    return sorted(set(years), reverse=True)


def preview_promotion(school: Unit, from_year: int) -> PromotionPreview:
    """What promoting `from_year` would do, class by class. Writes nothing."""
    _check_school(school)
    preview = PromotionPreview(school, from_year)
    preview.done = (
        Promotion.objects.filter(unit=school, from_year=from_year).select_related("promoted_by").first()
    )
    classes = SchoolClass.objects.filter(grade__unit=school, grade__school_year=from_year).select_related(
        "grade", "head_teacher"
    )
    counts: dict[tuple[int, str], int] = {
        (row["school_class"], row["status"]): row["n"]
        for row in Student.objects.filter(school_class__in=classes, unit=school)
        .values("school_class", "status")
        .annotate(n=Count("id"))
    }
    for klass in classes.order_by("grade__level", "number"):
        to_level = next_grade_level(klass.grade.level, school.school_type)
        preview.lines.append(
            PromotionLine(
                school_class=klass,
                to_level=to_level,
                to_grade_name="" if to_level is None else grade_name(to_level, school.school_type),
                to_class_name=""
                if to_level is None
                else class_name_without_grade(klass.name, klass.grade.level),
                enrolled=counts.get((klass.pk, StudentStatus.ENROLLED), 0),
                staying=counts.get((klass.pk, StudentStatus.SUSPENDED), 0),
            )
        )
    return preview


def _next_year_classes(preview: PromotionPreview) -> tuple[dict[int, SchoolClass], dict[str, int]]:
    """Old class id → its class in the next year, creating the grades and classes that are missing
    (head teachers and assistants follow their class); and how many were created."""
    school, to_year = preview.school, preview.to_year
    moving = [ln for ln in preview.lines if not ln.graduates]
    grades = {g.level: g for g in Grade.objects.filter(unit=school, school_year=to_year)}
    new_grades = []
    for level in sorted({ln.to_level for ln in moving} - set(grades)):
        g = Grade(school_year=to_year, level=level, name=grade_name(level, school.school_type))
        g.set_unit(school)
        new_grades.append(g)
    Grade.objects.bulk_create(new_grades)
    grades = {g.level: g for g in Grade.objects.filter(unit=school, school_year=to_year)}

    def existing() -> dict[tuple[int, int], SchoolClass]:
        found = SchoolClass.objects.filter(grade__unit=school, grade__school_year=to_year).select_related(
            "grade"
        )
        return {(c.grade.level, c.number): c for c in found}

    there = existing()
    new_classes = []
    for ln in moving:
        old = ln.school_class
        if (ln.to_level, old.number) in there:
            continue  # the school already set this class up (e.g. imported next year's file)
        c = SchoolClass(
            grade=grades[ln.to_level], number=old.number, name=ln.to_class_name, head_teacher=old.head_teacher
        )
        c.set_unit(school)
        new_classes.append((old, c))
    SchoolClass.objects.bulk_create([c for _old, c in new_classes])
    there = existing()
    links = SchoolClass.assistants.through
    assistants = defaultdict(list)
    for row in links.objects.filter(schoolclass__in=[old for old, _c in new_classes]).values_list(
        "schoolclass_id", "user_id"
    ):
        assistants[row[0]].append(row[1])
    targets = {ln.school_class.pk: there[(ln.to_level, ln.school_class.number)] for ln in moving}
    links.objects.bulk_create(
        [
            links(schoolclass_id=targets[old.pk].pk, user_id=user_id)
            for old, _c in new_classes
            for user_id in assistants[old.pk]
        ]
    )
    return targets, {"new_grades": len(new_grades), "new_classes": len(new_classes)}


@transaction.atomic
def promote(
    school: Unit, from_year: int, *, actor: Any, reviewed: str | None = None, on: dt.date | None = None
) -> PromotionPreview:
    """Promote every class of `from_year` into `from_year + 1`. `reviewed`, when given, is the
    fingerprint of the preview the user confirmed: if the roster changed since, nothing happens."""
    require(actor, Perm.MANAGE_USERS, school)
    school = Unit.objects.select_for_update().get(pk=school.pk)  # one promotion of a school at a time
    preview = preview_promotion(school, from_year)
    if preview.done is not None:
        raise Conflict(
            _("The school year %(from)s–%(to)s has already been promoted (on %(date)s); nothing was changed.")
            % {"from": from_year, "to": from_year + 1, "date": timezone.localdate(preview.done.promoted_at)}
        )
    if not preview.lines:
        raise Invalid(_("There are no classes in the school year %(year)s.") % {"year": from_year})
    if reviewed is not None and reviewed != preview.fingerprint:
        raise Conflict(_("The classes changed since you reviewed them; please review the promotion again."))
    on = on or timezone.localdate()
    targets, created = _next_year_classes(preview)
    old_classes = [ln.school_class for ln in preview.lines]
    enrolled = list(
        Student.objects.select_for_update(of=("self",))
        .filter(school_class__in=old_classes, unit=school, status=StudentStatus.ENROLLED)
        .values_list("pk", "school_class_id")
    )
    graduating_classes = {ln.school_class.pk for ln in preview.lines if ln.graduates}
    graduates = [pk for pk, class_id in enrolled if class_id in graduating_classes]
    movers = [(pk, class_id) for pk, class_id in enrolled if class_id not in graduating_classes]
    if len(enrolled) != preview.promoted + preview.graduating:
        raise Conflict(_("The classes changed since you reviewed them; please review the promotion again."))
    if graduates:
        enrollment.set_status(graduates, "graduate")
        enrollment.close_open(graduates, on=on, end_reason=EnrollmentReason.GRADUATED)
    by_old: dict[int, list[int]] = defaultdict(list)
    for pk, class_id in movers:
        by_old[class_id].append(pk)
    for class_id, pks in by_old.items():  # compare-and-set: still enrolled, still in the old class
        moved = Student.objects.filter(
            pk__in=pks, school_class_id=class_id, status=StudentStatus.ENROLLED
        ).update(school_class=targets[class_id], updated_at=timezone.now())
        if moved != len(pks):
            raise Conflict(_("A student's class changed in the meantime; please reload and try again."))
    enrollment.close_open([pk for pk, _c in movers], on=on, end_reason=EnrollmentReason.PROMOTED)
    people_changed.send(sender=Student, unit_ids=[school.pk])
    enrollment.open_for(
        ((pk, targets[class_id]) for pk, class_id in movers),
        school=school,
        on=on,
        reason=EnrollmentReason.PROMOTED,
    )
    counts = {**preview.counts(), **created}
    try:
        with transaction.atomic():
            record = Promotion.objects.create(
                unit=school, unit_path=school.path, from_year=from_year, promoted_by=actor, counts=counts
            )
    except IntegrityError:
        raise Conflict(
            _("This school year has just been promoted by someone else; nothing was changed.")
        ) from None
    preview.done = record
    audit.record(actor, "roster.promoted", school, after=counts)
    return preview
