"""Who a notice is for: rules stored on the notice, resolved when someone reads.

An audience names target units (the sender's unit or units of its subtree; their subtrees are
addressed), and who there: staff `roles` (bureau or school roles), `students`, `parents`; it may be
narrowed to `school_types`, `grades` (grade levels) and `classes` — these three narrow pupils and
parents; school types also staff at schools (bureau staff have no school type).

A recipient *slot* is what gets read and confirmed, and what the reach counts:

- a staff member: one slot (no child), counted at the unit of their addressed membership whose
  path sorts first (one person, one slot, one place — whatever number of posts they hold);
- a pupil (with an account, holding the pupil role at the school): one slot, at their class;
- a parent: one slot per child addressed (the parent's account holding the parent role at the
  child's school), at the child's class — a parent of two children answers twice.

Slots are derived from the roster and the memberships as they are *now* (a pupil who changed
class is addressed by their new class); `reader_slots` and `recipient_counts` apply the same
rules, the first in Python for one reader, the second in SQL for a whole subtree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Min, OuterRef, Q
from django.utils.translation import gettext as _

from safecampus.core.errors import Invalid
from safecampus.core.models import Membership, SchoolType, Unit
from safecampus.core.roles import Role
from safecampus.core.scoping import scope_q
from safecampus.roster.models import Guardian, SchoolClass, Student, StudentStatus

STAFF = "staff"
STUDENT = "student"
PARENT = "parent"
STAFF_ROLES = tuple(r for r in Role.values if r not in (Role.STUDENT, Role.PARENT))
MAX_ITEMS = 500


@dataclass(frozen=True)
class Audience:
    codes: tuple[str, ...]
    paths: tuple[str, ...]
    roles: frozenset[str] = frozenset()
    school_types: frozenset[str] = frozenset()
    grades: frozenset[int] = frozenset()
    classes: frozenset[int] = frozenset()
    parents: bool = False
    students: bool = False

    @classmethod
    def of(cls, data: dict[str, Any]) -> Audience:
        """The audience stored on a notice (`Notice.audience`)."""
        return cls(
            codes=tuple(data.get("units", ())),
            paths=tuple(data.get("paths", ())),
            roles=frozenset(data.get("roles", ())),
            school_types=frozenset(data.get("school_types", ())),
            grades=frozenset(int(g) for g in data.get("grades", ())),
            classes=frozenset(int(k) for k in data.get("classes", ())),
            parents=bool(data.get("parents")),
            students=bool(data.get("students")),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "units": list(self.codes),
            "paths": list(self.paths),
            "roles": sorted(self.roles),
            "school_types": sorted(self.school_types),
            "grades": sorted(self.grades),
            "classes": sorted(self.classes),
            "parents": self.parents,
            "students": self.students,
        }

    def under(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.paths)

    @property
    def families(self) -> bool:
        """Does it reach pupils or parents (whose classes a head teacher follows)?"""
        return self.parents or self.students

    def typed(self, school_type: str, is_school: bool) -> bool:
        if not self.school_types:
            return True
        return is_school and school_type in self.school_types

    def pupil_ok(self, path: str, school_type: str, level: int, class_id: int) -> bool:
        return (
            self.under(path)
            and self.typed(school_type, True)
            and (not self.grades or level in self.grades)
            and (not self.classes or class_id in self.classes)
        )


# ---------------------------------------------------------------------------------------------
# Cleaning what a sender asks for
# ---------------------------------------------------------------------------------------------


def _list(value: Any, field: str) -> list[Any]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise Invalid(_("Give a list."), field=field)
    if len(value) > MAX_ITEMS:
        raise Invalid(_("At most %(n)s items.") % {"n": MAX_ITEMS}, field=field)
    return list(value)


def _ints(value: Any, field: str, low: int, high: int) -> list[int]:
    out = []
    for item in _list(value, field):
        if isinstance(item, bool) or not isinstance(item, int | str) or not str(item).lstrip("-").isdigit():
            raise Invalid(_("Give whole numbers."), field=field)
        number = int(item)
        if not low <= number <= high:
            raise Invalid(
                _("Ensure this value is between %(a)s and %(b)s.") % {"a": low, "b": high}, field=field
            )
        out.append(number)
    return out


def _flag(value: Any, field: str) -> bool:
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        raise Invalid(_("Give true or false."), field=field)
    return value


def clean_audience(sender: Unit, data: Any) -> Audience:
    """The audience a sender at `sender` asks for, checked: `Invalid` (400) for a malformed or
    empty one, `PermissionDenied` (403) for units or classes outside the sender's subtree."""
    if data in (None, ""):
        data = {}
    if not isinstance(data, dict):
        raise Invalid(_("The audience must be an object."), field="audience")
    known = {"units", "roles", "school_types", "grades", "classes", "parents", "students"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise Invalid(_("Unknown audience field “%(name)s”.") % {"name": unknown[0]}, field="audience")
    codes = [str(c) for c in _list(data.get("units"), "audience.units")]
    if any(not isinstance(c, str) for c in data.get("units") or []):
        raise Invalid(_("Give unit codes."), field="audience.units")
    roles = [str(r) for r in _list(data.get("roles"), "audience.roles")]
    bad = [r for r in roles if r not in STAFF_ROLES]
    if bad:
        raise Invalid(_("Unknown staff role “%(name)s”.") % {"name": bad[0][:40]}, field="audience.roles")
    types = [str(t) for t in _list(data.get("school_types"), "audience.school_types")]
    bad = [t for t in types if t not in SchoolType.values]
    if bad:
        raise Invalid(
            _("Unknown school type “%(name)s”.") % {"name": bad[0][:40]}, field="audience.school_types"
        )
    grades = _ints(data.get("grades"), "audience.grades", -3, 12)
    classes = _ints(data.get("classes"), "audience.classes", 1, 2**31 - 1)
    parents = _flag(data.get("parents"), "audience.parents")
    students = _flag(data.get("students"), "audience.students")
    if not roles and not parents and not students:
        raise Invalid(_("Choose who the notice is for: staff roles, pupils or parents."), field="audience")
    if (grades or classes) and not (parents or students):
        raise Invalid(
            _("Grades and classes narrow pupils and parents: choose pupils or parents too."),
            field="audience.grades" if grades else "audience.classes",
        )
    units = _target_units(sender, codes)
    paths = tuple(sorted({u.path for u in units}))
    if classes:
        found = {
            k.pk: k.unit_path for k in SchoolClass.objects.filter(pk__in=classes).only("pk", "unit_path")
        }
        missing = [k for k in classes if k not in found]
        if missing:
            raise Invalid(_("Unknown class %(id)s.") % {"id": missing[0]}, field="audience.classes")
        if any(not p.startswith(sender.path) for p in found.values()):
            raise PermissionDenied("notices.audience")
        if any(not any(p.startswith(t) for t in paths) for p in found.values()):
            raise Invalid(_("A class chosen is not in the units addressed."), field="audience.classes")
    return Audience(
        codes=tuple(sorted({u.code for u in units})),
        paths=paths,
        roles=frozenset(roles),
        school_types=frozenset(types),
        grades=frozenset(grades),
        classes=frozenset(classes),
        parents=parents,
        students=students,
    )


def _target_units(sender: Unit, codes: list[str]) -> list[Unit]:
    if not codes:
        return [sender]
    units = {u.code: u for u in Unit.objects.filter(code__in=codes, is_active=True)}
    missing = [c for c in codes if c not in units]
    if missing:
        raise Invalid(_("Unknown unit “%(code)s”.") % {"code": missing[0][:64]}, field="audience.units")
    if any(not u.path.startswith(sender.path) for u in units.values()):
        raise PermissionDenied("notices.audience")
    return list(units.values())


# ---------------------------------------------------------------------------------------------
# One reader: their slots (Python)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """Something one reader may be addressed as (see the module docstring)."""

    kind: str
    unit_id: int
    unit_path: str
    school_type: str = ""
    is_school: bool = True
    role: str = ""
    grade_id: int = 0
    grade_level: int = 0
    class_id: int = 0
    child_id: int | None = None
    child_name: str = ""

    @property
    def key(self) -> int | None:
        """The receipt's child (None: the reader's own slot)."""
        return self.child_id


def reader_slots(user: Any) -> list[Slot]:
    """Every way `user` may be addressed: their staff memberships, their own pupil record, their
    children (all their memberships, not only the one the request acts as)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    out: list[Slot] = []
    members = list(
        Membership.objects.filter(user=user, is_active=True, unit__is_active=True).select_related("unit")
    )
    pupil_units = {m.unit_id for m in members if m.role == Role.STUDENT}
    parent_units = {m.unit_id for m in members if m.role == Role.PARENT}
    for m in members:
        if m.role in STAFF_ROLES:
            out.append(Slot(STAFF, m.unit_id, m.unit.path, m.unit.school_type, not m.unit.is_bureau, m.role))
    pupils = Student.objects.filter(status=StudentStatus.ENROLLED, school_class__isnull=False)
    if pupil_units:
        for s in pupils.filter(user=user, unit_id__in=pupil_units).select_related(
            "unit", "school_class__grade"
        ):
            out.append(_pupil_slot(STUDENT, s))
    if parent_units:
        children = pupils.filter(guardians__parent=user, unit_id__in=parent_units, unit__is_active=True)
        for s in children.select_related("unit", "school_class__grade").order_by("unit_path", "name", "pk"):
            out.append(_pupil_slot(PARENT, s))
    return out


def _pupil_slot(kind: str, s: Student) -> Slot:
    grade = s.school_class.grade
    return Slot(
        kind,
        s.unit_id,
        s.unit_path,
        s.unit.school_type,
        True,
        "",
        grade.pk,
        grade.level,
        s.school_class_id,
        s.pk if kind == PARENT else None,
        s.name,
    )


def addressed(aud: Audience, slots: Iterable[Slot]) -> list[Slot]:
    """The reader's recipient slots of a notice: at most one of their own (staff: the matching
    membership whose path sorts first; else their pupil record) and one per child addressed."""
    own: Slot | None = None
    children: dict[int, Slot] = {}
    for s in slots:
        if s.kind == STAFF:
            matches = s.role in aud.roles and aud.under(s.unit_path) and aud.typed(s.school_type, s.is_school)
            if matches and (own is None or own.kind != STAFF or s.unit_path < own.unit_path):
                own = s
        elif s.kind == STUDENT:
            if (
                aud.students
                and own is None
                and aud.pupil_ok(s.unit_path, s.school_type, s.grade_level, s.class_id)
            ):
                own = s
        elif aud.parents and aud.pupil_ok(s.unit_path, s.school_type, s.grade_level, s.class_id):
            children.setdefault(s.child_id, s)
    return ([own] if own else []) + list(children.values())


# ---------------------------------------------------------------------------------------------
# A subtree: recipients counted (SQL)
# ---------------------------------------------------------------------------------------------


@dataclass
class Counts:
    """Recipients by where they count: staff by unit path, pupils and parents by class."""

    staff: dict[str, int]  # unit path → staff slots
    pupils: dict[tuple[str, int, int], int]  # (school path, grade id, class id) → pupil and parent slots

    def at_unit(self, path: str) -> int:
        n = sum(v for p, v in self.staff.items() if p.startswith(path))
        return n + sum(v for (p, _g, _k), v in self.pupils.items() if p.startswith(path))

    def at_grade(self, path: str, grade_id: int) -> int:
        return sum(v for (p, g, _k), v in self.pupils.items() if p == path and g == grade_id)

    def at_class(self, path: str, class_id: int) -> int:
        return sum(v for (p, _g, k), v in self.pupils.items() if p == path and k == class_id)

    @property
    def total(self) -> int:
        return sum(self.staff.values()) + sum(self.pupils.values())


def _pupil_filter(aud: Audience, prefix: str, paths: list[str]) -> Q:
    q = scope_q(paths, f"{prefix}unit_path") & Q(
        **{
            f"{prefix}status": StudentStatus.ENROLLED,
            f"{prefix}school_class__isnull": False,
            f"{prefix}unit__is_active": True,
        }
    )
    if aud.school_types:
        q &= Q(**{f"{prefix}unit__school_type__in": sorted(aud.school_types)})
    if aud.grades:
        q &= Q(**{f"{prefix}school_class__grade__level__in": sorted(aud.grades)})
    if aud.classes:
        q &= Q(**{f"{prefix}school_class_id__in": sorted(aud.classes)})
    return q


def _within(aud: Audience, under: str) -> list[str]:
    """The audience's paths intersected with the subtree `under`."""
    out = []
    for p in aud.paths:
        if p.startswith(under):
            out.append(p)
        elif under.startswith(p):
            out.append(under)
    return sorted(set(out))


def recipient_counts(aud: Audience, under: str = "") -> Counts:
    """Every recipient slot of the audience under the path `under`, counted where it counts."""
    paths = _within(aud, under)
    counts = Counts({}, {})
    if not paths:
        return counts
    if aud.roles:
        # A person's home is taken over the whole audience (then kept if under `under`), so that
        # a person with posts inside and outside `under` counts where the whole count puts them.
        staff = Membership.objects.filter(
            scope_q(list(aud.paths), "unit__path"),
            role__in=sorted(aud.roles),
            is_active=True,
            unit__is_active=True,
            user__is_active=True,
        )
        if aud.school_types:
            staff = staff.filter(unit__school_type__in=sorted(aud.school_types))
        homes: dict[str, int] = defaultdict(int)
        for row in staff.values("user_id").annotate(home=Min("unit__path")).order_by():
            if row["home"].startswith(under):
                homes[row["home"]] += 1
        counts.staff = dict(homes)
    pupils: dict[tuple[str, int, int], int] = defaultdict(int)
    cols = ("unit_path", "school_class__grade_id", "school_class_id")
    if aud.students:
        holds = Membership.objects.filter(
            user_id=OuterRef("user_id"), unit_id=OuterRef("unit_id"), role=Role.STUDENT, is_active=True
        )
        rows = (
            Student.objects.filter(_pupil_filter(aud, "", paths), user__isnull=False, user__is_active=True)
            .filter(Exists(holds))
            .values(*cols)
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            pupils[(r["unit_path"], r["school_class__grade_id"], r["school_class_id"])] += r["n"]
    if aud.parents:
        holds = Membership.objects.filter(
            user_id=OuterRef("parent_id"),
            unit_id=OuterRef("student__unit_id"),
            role=Role.PARENT,
            is_active=True,
        )
        rows = (
            Guardian.objects.filter(_pupil_filter(aud, "student__", paths), parent__is_active=True)
            .filter(Exists(holds))
            .values(*(f"student__{c}" for c in cols))
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            key = (
                r["student__unit_path"],
                r["student__school_class__grade_id"],
                r["student__school_class_id"],
            )
            pupils[key] += r["n"]
    counts.pupils = dict(pupils)
    return counts


def families_of_class(aud: Audience, klass: SchoolClass) -> list[tuple[Any, Student]]:
    """(parent user, child) slots of the audience in one class, by child's name."""
    if not aud.parents or not aud.pupil_ok(
        klass.unit_path, klass.unit.school_type, klass.grade.level, klass.pk
    ):
        return []
    holds = Membership.objects.filter(
        user_id=OuterRef("parent_id"), unit_id=OuterRef("student__unit_id"), role=Role.PARENT, is_active=True
    )
    rows = (
        Guardian.objects.filter(
            student__school_class=klass, student__status=StudentStatus.ENROLLED, parent__is_active=True
        )
        .filter(Exists(holds))
        .select_related("parent", "student")
        .order_by("student__name", "student_id", "parent_id")
    )
    return [(g.parent, g.student) for g in rows]
