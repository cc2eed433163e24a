"""A synthetic province for benchmarks: `safecampus bench-data --schools N --students-per-school M`.

Builds, fast: the unit tree (province → cities → counties → schools, treebeard materialized
paths written directly), a province bureau administrator (`bench_admin`), a published campaign
with a stage and three small courses of article lessons (through the content services), the
roster and the learning facts of about 70 % of the students (`benchfacts`, COPY on
PostgreSQL), every unit's own target people (one INSERT … SELECT that counts exactly what
`targets.own_people` counts), and finally the roll-up and target cells (`recount.rebuild`,
the facts summed before they are fanned out).

Sizes: 1,000 schools × 1,000 students (1,000,000 learners) take a few minutes on PostgreSQL
with 2 cores; 8,000,000 learners are `--schools 8000 --students-per-school 1000` (about eight
times as long and some 15 GB of database; give PostgreSQL `max_wal_size = 8GB`). SQLite is fine
for small sizes (tests).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from safecampus.accounts.models import User
from safecampus.core.models import Membership, SchoolType, Unit, UnitKind
from safecampus.core.roles import ROLE_SPECS, Role
from safecampus.roster.importing import current_school_year
from safecampus.roster.models import Grade, SchoolClass, Student
from safecampus.training import content
from safecampus.training.learner import audience_of_role
from safecampus.training.models import Audience, Campaign, LessonKind

from . import recount
from .benchfacts import CourseSpec, Loader
from .models import NO_GRADE, TargetOwn

ROOT_CODE = "bench"
ADMIN = "bench_admin"
SCHOOL_TYPES = [SchoolType.PRIMARY, SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.SENIOR]
ARTICLE = "<p>安全教育基准课程：认真阅读，注意安全。</p>"


@dataclass
class Shape:
    schools: int
    students_per_school: int
    share: float = 0.7  # of students with learning facts
    accounts_per_school: int = 5  # students without facts who get a membership (sign-in)
    schools_per_county: int = 40
    counties_per_city: int = 10
    days: int = 20
    seed: int = 2026


@dataclass
class Province:
    root: Unit
    admin: User
    campaign: Campaign
    schools: int
    counts: dict[str, int]
    accounts: list[int]  # user ids of students with a membership and no facts
    seconds: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        """What the province holds, counted from the database."""
        from safecampus.training.progress_models import LearningDay

        from .models import Participation

        under = {"unit_path__startswith": self.root.path}
        parts = Participation.objects.filter(campaign=self.campaign, **under)
        return {
            "schools": Unit.objects.filter(path__startswith=self.root.path, kind=UnitKind.SCHOOL).count(),
            "students": Student.objects.filter(**under).count(),
            "learners": parts.filter(stage_id=0, course_id=0).count(),
            "learning_days": LearningDay.objects.filter(**under).count(),
            "participations": parts.count(),
        }


def existing() -> Province:
    """The benchmark province already in the database (`bench/stats.py --reuse`)."""
    from safecampus.training.progress_models import Heartbeat, LearningDay

    root = Unit.objects.get(code=ROOT_CODE)
    campaign = Campaign.objects.filter(unit=root).order_by("id").first()
    accounts = list(
        Membership.objects.filter(role=Role.STUDENT, unit__path__startswith=root.path)
        .exclude(Exists(LearningDay.objects.filter(learner_id=OuterRef("user_id"))))
        .exclude(Exists(Heartbeat.objects.filter(learner_id=OuterRef("user_id"))))
        .order_by("id")
        .values_list("user_id", flat=True)
    )
    return Province(root, User.objects.get(username=ADMIN), campaign, 0, {}, accounts)


def build_tree(shape: Shape) -> tuple[Unit, list[Unit]]:
    """Bulk-create the tree as the next root; returns the province and its schools."""
    if Unit.objects.filter(code=ROOT_CODE).exists():
        raise ValueError("this database already holds the benchmark province; use a fresh one")
    last = Unit.get_last_root_node()
    position = (Unit._str2int(last.path[: Unit.steplen]) + 1) if last else 1
    path = Unit._get_path
    counties = math.ceil(shape.schools / shape.schools_per_county)
    cities = math.ceil(counties / shape.counties_per_city)
    root = Unit(path=path(None, 1, position), depth=1, numchild=cities, code=ROOT_CODE,
                name="基准省教育厅", kind=UnitKind.PROVINCE)  # fmt: skip
    rows, schools, placed = [root], [], 0
    for c in range(cities):
        in_city = min(shape.counties_per_city, counties - c * shape.counties_per_city)
        city = Unit(path=path(root.path, 2, c + 1), depth=2, numchild=in_city, code=f"bench-c{c + 1:02d}",
                    name=f"基准{c + 1}市教育局", kind=UnitKind.CITY)  # fmt: skip
        rows.append(city)
        for k in range(in_city):
            in_county = min(shape.schools_per_county, shape.schools - placed)
            county = Unit(path=path(city.path, 3, k + 1), depth=3, numchild=in_county,
                          code=f"{city.code}-k{k + 1:02d}", name=f"基准{c + 1}市{k + 1}区教育局",
                          kind=UnitKind.COUNTY)  # fmt: skip
            rows.append(county)
            for s in range(in_county):
                placed += 1
                schools.append(
                    Unit(path=path(county.path, 4, s + 1), depth=4, numchild=0,
                         code=f"{county.code}-s{s + 1:03d}", name=f"基准{c + 1}市{k + 1}区第{s + 1}学校",
                         kind=UnitKind.SCHOOL, school_type=SCHOOL_TYPES[placed % len(SCHOOL_TYPES)])
                )  # fmt: skip
    with transaction.atomic():
        Unit.objects.bulk_create(rows + schools, batch_size=2000)
    by_path = dict(Unit.objects.filter(path__startswith=root.path).values_list("path", "pk"))
    for unit in rows + schools:
        unit.pk = by_path[unit.path]
    return root, schools


def make_admin(root: Unit) -> User:
    admin = User.objects.create_user(ADMIN, None, name="基准省管理员")
    Membership.objects.create(user=admin, unit=root, role=Role.BUREAU_ADMIN)
    return admin


COURSES = [
    # key, title, stage, school types, grades, lesson lengths, quiz
    ("bench-basics", "校园安全基础", 1, [], (None, None), (300, 600), True),
    ("bench-drowning", "预防溺水", 1, [SchoolType.PRIMARY], (1, 6), (600,), False),
    ("bench-fire", "消防安全", None, [SchoolType.JUNIOR, SchoolType.SENIOR], (7, 12), (450, 300), False),
]


@transaction.atomic
def make_content(admin: User, root: Unit, today: dt.date) -> tuple[Campaign, list[CourseSpec]]:
    """A published campaign at the province with one stage and three courses for students."""
    year = current_school_year(today)
    campaign = content.create_campaign(
        root, actor=admin, title="基准安全教育专题", title_en="Benchmark safety campaign", school_year=year,
        starts_on=dt.date(year, 9, 1), ends_on=dt.date(year + 1, 7, 15),
    )  # fmt: skip
    content.save_stage(campaign, actor=admin, number=1, title="第一阶段", starts_on=dt.date(year, 9, 1),
                       ends_on=dt.date(year + 1, 1, 31))  # fmt: skip
    specs = []
    for key, title, stage, types, (lo, hi), lengths, quiz in COURSES:
        course = content.create_course(
            campaign, root, actor=admin, key=key, title=title, audiences=[Audience.STUDENT],
            school_types=types, grade_min=lo, grade_max=hi, stage=stage,
        )  # fmt: skip
        lessons = [
            content.create_lesson(
                course,
                actor=admin,
                kind=LessonKind.ARTICLE,
                title=f"{title}（{n + 1}）",
                body_html=ARTICLE,
                duration_s=length,
                order=n,
            )
            for n, length in enumerate(lengths)
        ]
        if quiz:
            for i in range(10):
                content.add_question(
                    course, actor=admin, kind="true_false", text=f"第{i + 1}题：遇险先报警。",
                    choices=["对", "错"], answer=[0],
                )  # fmt: skip
            content.save_quiz(course, actor=admin, question_count=5)
        content.change_course_status(course, "publish", actor=admin)
        lesson_lengths = tuple((lesson.pk, lesson.duration_s) for lesson in lessons)
        specs.append(
            CourseSpec(
                course.pk, campaign.pk, course.stage_id or 0, lesson_lengths, quiz, tuple(types), lo, hi
            )
        )
    content.change_campaign_status(campaign, "publish", actor=admin)
    return campaign, specs


def _audience_case(column: str) -> str:
    whens = " ".join(f"WHEN '{role}' THEN '{audience_of_role(role)}'" for role in ROLE_SPECS)
    return f"CASE {column} {whens} END"


@transaction.atomic
def build_own_targets(root: Unit) -> int:
    """Every unit's own people under `root`, for its live school year, in two INSERT … SELECT:
    the rows `targets.refresh_unit` would store (`recount.reconcile` checks they agree)."""
    q = connection.ops.quote_name
    unit, grade, klass, student = (q(m._meta.db_table) for m in (Unit, Grade, SchoolClass, Student))
    member, user, own = (q(m._meta.db_table) for m in (Membership, User, TargetOwn))
    current = current_school_year()
    live = f"""SELECT u.id AS uid, u.path AS path, u.school_type AS st,
        CASE WHEN COALESCE(MAX(g.school_year), 0) > {current} THEN MAX(g.school_year) ELSE {current} END AS yr
        FROM {unit} u LEFT JOIN {grade} g ON g.unit_id = u.id
        WHERE u.path LIKE %s AND u.is_active GROUP BY u.id, u.path, u.school_type"""
    cols = "unit_id, grade_id, class_id, school_year, audience, school_type, grade_level, people"
    like = [root.path + "%"]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {own} WHERE unit_id IN (SELECT id FROM {unit} WHERE path LIKE %s)", like)
        cursor.execute(
            f"""INSERT INTO {own} ({cols})
            SELECT y.uid, COALESCE(c.grade_id, 0), COALESCE(s.school_class_id, 0), y.yr, '{Audience.STUDENT}',
                   COALESCE(y.st, ''), COALESCE(g.level, {NO_GRADE}), COUNT(*)
              FROM {student} s JOIN ({live}) y ON y.uid = s.unit_id
              LEFT JOIN {klass} c ON c.id = s.school_class_id LEFT JOIN {grade} g ON g.id = c.grade_id
             WHERE s.status = 'enrolled' AND (s.school_class_id IS NULL OR g.school_year = y.yr)
             GROUP BY y.uid, c.grade_id, s.school_class_id, y.yr, y.st, g.level""",
            like,
        )
        aud = _audience_case("m.role")
        cursor.execute(
            f"""INSERT INTO {own} ({cols})
            SELECT y.uid, 0, 0, y.yr, {aud}, '', {NO_GRADE}, COUNT(DISTINCT m.user_id)
              FROM {member} m JOIN ({live}) y ON y.uid = m.unit_id JOIN {user} us ON us.id = m.user_id
             WHERE m.is_active AND us.is_active AND m.role <> '{Role.STUDENT}'
             GROUP BY y.uid, y.yr, {aud}""",
            like,
        )
    return TargetOwn.objects.filter(unit_id__in=Unit.objects.filter(path__startswith=root.path)).count()


def generate(shape: Shape, *, log: Callable[[str], Any] = print) -> Province:
    """Build the whole province (see the module docstring); returns what the benchmark needs."""
    seconds: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        seconds[name] = round(time.perf_counter() - started, 2)
        log(f"  {name}: {seconds[name]} s")
        started = time.perf_counter()

    root, schools = build_tree(shape)
    admin = make_admin(root)
    step("tree")
    campaign, specs = make_content(admin, root, dt.date.today())
    step("content")
    loader = Loader(
        specs, shape.students_per_school, campaign.school_year, share=shape.share,
        accounts_per_school=shape.accounts_per_school, days=shape.days, seed=shape.seed,
    )  # fmt: skip
    counts = loader.load(schools, log=log)
    step("roster and facts")
    counts["target_rows"] = build_own_targets(root)
    step("own targets")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    recount.rebuild()
    step("cells (recount.rebuild, summed before the fan-out)")
    return Province(root, admin, campaign, len(schools), counts, loader.accounts, seconds)
