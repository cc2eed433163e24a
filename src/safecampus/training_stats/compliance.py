"""Training compliance: staff annual hours against the policy, students' lesson cadence.

Staff (seed 000, `training.annual_hours`), by the roles and posts they hold at a school:

- principal (校长/副校长/园长 are imported as this role) → `main_person_in_charge`, or
  `principal_new_school` while the school's own policy sets `training.new_school`;
- safety office staff → `full_time_safety_staff`; at a university, safety staff holding one of
  the posts in `training.security_head_posts` → `university_security_head`;
- anyone holding several gets the highest; other school staff are listed with hours, no target.

Hours are the credited learning of the calendar year (Asia/Shanghai days of
`training.LearningDay`), the year the seed's "每年" and the annual appraisal count in — the
same total the year certificate prints. A person is *behind* when their hours are below the
target pro rata to the day of the year (the full target for a past year).

Students: a student is behind as on the class progress board (`training.class_queries`): an
assigned lesson overdue, or no lesson completed within `student_lesson_interval_days` while
lessons fell due. A class is *off cadence* when no lesson fell due for it in that interval.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecampus.core.models import Membership, PolicyVersion, SchoolType, Unit, UnitKind
from safecampus.core.places import Place
from safecampus.core.policy import Policy, policy_for
from safecampus.core.roles import Role, school_roles
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import SchoolClass, StaffPost
from safecampus.training import class_queries as cq
from safecampus.training.progress_models import LearningDay

STAFF_ROLES = [r for r in school_roles() if r not in (Role.STUDENT, Role.PARENT)]
REQUIREMENT_LABELS = {
    "main_person_in_charge": _("Main person in charge"),
    "principal_new_school": _("Principal of a new school"),
    "university_security_head": _("University security head"),
    "full_time_safety_staff": _("Full-time safety staff"),
}
MAX_CLASSES = 3000  # above this the student cadence is read per county or school, not in one page


class _SystemReader:
    """The reader of the weekly reminder job: the whole subtree of the unit it was given."""

    pk = None
    is_superuser = is_authenticated = is_active = True


SYSTEM_READER = _SystemReader()


@dataclass(frozen=True)
class Requirement:
    key: str
    hours: float

    @property
    def label(self) -> str:
        return str(REQUIREMENT_LABELS.get(self.key, self.key))


def requirement(roles: set[str], posts: set[str], school: Unit, policy: Policy) -> Requirement | None:
    """The annual hours a person with these roles and posts at `school` must reach, or None."""
    training = policy["training"]
    hours = training["annual_hours"]
    found: list[Requirement] = []
    if Role.PRINCIPAL in roles:
        key = "principal_new_school" if training.get("new_school") else "main_person_in_charge"
        found.append(Requirement(key, float(hours[key])))
    if Role.SAFETY_STAFF in roles:
        heads = {p.strip() for p in training.get("security_head_posts", [])}
        if school.school_type == SchoolType.UNIVERSITY and posts & heads:
            found.append(Requirement("university_security_head", float(hours["university_security_head"])))
        else:
            found.append(Requirement("full_time_safety_staff", float(hours["full_time_safety_staff"])))
    return max(found, key=lambda r: r.hours, default=None)


def year_fraction(year: int, today: dt.date) -> float:
    """Share of the year gone by `today` (whole for a past year, none for a future one)."""
    if year < today.year:
        return 1.0
    if year > today.year:
        return 0.0
    days = 366 if calendar.isleap(year) else 365
    return today.timetuple().tm_yday / days


def _hours(seconds: float | None) -> float:
    return round((seconds or 0.0) / 3600, 2)


@dataclass
class StaffRow:
    user_id: int
    name: str
    username: str
    school: Unit
    roles: list[str]
    hours: float = 0.0
    requirement: Requirement | None = None
    expected: float = 0.0  # target pro rata to the day of the year

    @property
    def target(self) -> float | None:
        return self.requirement.hours if self.requirement else None

    @property
    def behind(self) -> bool:
        return self.requirement is not None and self.hours + 1e-9 < self.expected

    @property
    def percent(self) -> int | None:
        return round(100 * self.hours / self.requirement.hours) if self.requirement else None

    @property
    def role_labels(self) -> str:
        return "、".join(str(Role(r).label) for r in self.roles)


class PolicyCache:
    """Policies of many schools in few queries: schools whose chain of overrides is the same
    share one merged policy."""

    def __init__(self, root: Unit) -> None:
        self.override_paths = sorted(
            set(PolicyVersion.objects.filter(unit__isnull=False).values_list("unit__path", flat=True))
        )
        self._by_signature: dict[tuple[str, ...], Policy] = {}

    def for_unit(self, unit: Unit) -> Policy:
        signature = tuple(p for p in self.override_paths if unit.path.startswith(p))
        if signature not in self._by_signature:
            self._by_signature[signature] = policy_for(unit)
        return self._by_signature[signature]


def staff_rows(place: Place, year: int, *, today: dt.date | None = None) -> list[StaffRow]:
    """Staff of the schools at or under the place with their hours in `year` (none for a class)."""
    if place.school_class is not None or place.grade is not None:
        return []
    today = today or timezone.localdate()
    memberships = Membership.objects.filter(
        is_active=True,
        unit__is_active=True,
        unit__kind=UnitKind.SCHOOL,
        unit__path__startswith=place.unit.path,
        role__in=STAFF_ROLES,
    )
    people: dict[tuple[int, int], StaffRow] = {}
    for m in memberships.select_related("user", "unit").order_by("unit__path", "user__name", "user_id"):
        key = (m.user_id, m.unit_id)
        if key not in people:
            people[key] = StaffRow(m.user_id, m.user.name, m.user.username, m.unit, [])
        people[key].roles.append(m.role)
    if not people:
        return []
    posts: dict[tuple[int, int], set[str]] = defaultdict(set)
    for user_id, unit_id, post in StaffPost.objects.filter(
        unit_path__startswith=place.unit.path, user_id__in=memberships.values("user_id")
    ).values_list("user_id", "unit_id", "post"):
        posts[(user_id, unit_id)].add(post.strip())
    seconds = dict(
        LearningDay.objects.filter(learner_id__in=memberships.values("user_id"), day__year=year)
        .order_by()
        .values("learner")
        .annotate(s=Sum("credited_s"))
        .values_list("learner", "s")
    )
    fraction = year_fraction(year, today)
    policies = PolicyCache(place.unit)
    rows = list(people.values())
    for row in rows:
        row.hours = _hours(seconds.get(row.user_id))
        row.requirement = requirement(
            set(row.roles), posts[(row.user_id, row.school.pk)], row.school, policies.for_unit(row.school)
        )
        if row.requirement:
            row.expected = round(row.requirement.hours * fraction, 2)
    return rows


@dataclass
class StudentSummary:
    boards: list[cq.ClassBoard] = field(default_factory=list)
    too_many_classes: int = 0  # the number of classes when there were too many to read here

    @property
    def students(self) -> int:
        return sum(len(b.rows) for b in self.boards)

    @property
    def behind(self) -> list[tuple[SchoolClass, cq.StudentRow]]:
        return [(b.klass, r) for b in self.boards for r in b.behind_rows]

    @property
    def off_cadence(self) -> list[cq.ClassBoard]:
        """Classes with students for which no lesson fell due within the interval."""
        return [b for b in self.boards if b.rows and not _recently_due(b)]


def _recently_due(board: cq.ClassBoard) -> bool:
    start = board.today - dt.timedelta(days=board.interval)
    return any(start < a.due_on <= board.today for a in board.assignments)


def classes_at(place: Place) -> Any:
    if place.school_class is not None:
        return SchoolClass.objects.filter(pk=place.school_class.pk)
    qs = SchoolClass.objects.filter(
        unit_path__startswith=place.unit.path, unit__is_active=True, grade__school_year=current_school_year()
    )
    if place.grade is not None:
        qs = qs.filter(grade=place.grade)
    return qs


def student_summary(viewer: Any, place: Place, *, today: dt.date | None = None) -> StudentSummary:
    """Class boards of the place's classes of the current school year (the viewer's scoping)."""
    qs = classes_at(place)
    count = qs.count()
    if count > MAX_CLASSES:
        return StudentSummary(too_many_classes=count)
    classes = list(
        qs.select_related("grade", "unit", "head_teacher").order_by("unit_path", "grade__level", "number")
    )
    boards = cq.build_boards(viewer, classes, today=today)
    return StudentSummary(boards=[boards[k.pk] for k in classes])


@dataclass
class ChildCount:
    name: str
    params: dict[str, Any]
    staff: int = 0
    staff_with_target: int = 0
    staff_behind: int = 0
    students: int = 0
    students_behind: int = 0
    classes_off_cadence: int = 0


@dataclass
class Report:
    place: Place
    year: int
    today: dt.date
    staff: list[StaffRow]
    students: StudentSummary
    children: list[ChildCount] = field(default_factory=list)

    @property
    def staff_behind(self) -> list[StaffRow]:
        return [r for r in self.staff if r.behind]

    @property
    def staff_with_target(self) -> list[StaffRow]:
        return [r for r in self.staff if r.requirement]

    @property
    def fraction(self) -> float:
        return year_fraction(self.year, self.today)


def _child_counts(place: Place, staff: list[StaffRow], students: StudentSummary) -> list[ChildCount]:
    from .children import child_places

    children = child_places(place)
    if not children:
        return []
    paths = dict(Unit.objects.filter(pk__in={k[0] for k, _n, _p in children}).values_list("pk", "path"))
    counts = [ChildCount(name, params) for _k, name, params in children]

    def index_of(unit: Unit, grade_id: int, class_id: int) -> int | None:
        for i, ((unit_id, g, c), _n, _p) in enumerate(children):
            if (c and c == class_id) or (g and not c and g == grade_id):
                return i
            if not g and unit.path.startswith(paths.get(unit_id, "\0")):
                return i
        return None

    for row in staff:
        i = index_of(row.school, 0, 0)
        if i is not None:
            counts[i].staff += 1
            counts[i].staff_with_target += bool(row.requirement)
            counts[i].staff_behind += row.behind
    for board in students.boards:
        i = index_of(board.klass.unit, board.klass.grade_id, board.klass.pk)
        if i is not None:
            counts[i].students += len(board.rows)
            counts[i].students_behind += len(board.behind_rows)
            counts[i].classes_off_cadence += bool(board.rows and not _recently_due(board))
    return counts


def report(viewer: Any, place: Place, year: int, *, today: dt.date | None = None) -> Report:
    today = today or timezone.localdate()
    staff = staff_rows(place, year, today=today)
    students = student_summary(viewer, place, today=today)
    return Report(place, year, today, staff, students, _child_counts(place, staff, students))
