"""Roster and learning facts of the synthetic province (`safecampus bench-data`), school by school.

For each school: grades and classes of its school type, one account and one student record per
student, a student membership for a few who have not begun learning (the accounts the heartbeat
benchmark signs in with), and for about `share` of the students the facts their learning would
have left: `LearningDay` rows (credited seconds per lesson and day, at the student's class),
`Participation` rows (course, stage and campaign; completion and pass days) and `CourseProgress`
rows — the same shapes `training.progress` writes, so the recount and the figures read them as
they read real learning. Rows go to the database by COPY (PostgreSQL) in one transaction per
chunk of schools.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership, SchoolType, Unit
from safecampus.core.roles import Role
from safecampus.roster.models import Grade, SchoolClass, Student, StudentStatus
from safecampus.roster.naming import grade_name
from safecampus.training.models import Audience, student_fits
from safecampus.training.progress_models import CourseProgress, LearningDay

from .benchsink import next_id, reset_sequences, skip_reference_checks, write_rows
from .models import Participation

LEVELS = {
    SchoolType.PRIMARY: range(1, 7),
    SchoolType.JUNIOR: range(7, 10),
    SchoolType.SENIOR: range(10, 13),
}
TZ = ZoneInfo("Asia/Shanghai")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "浩然子轩梓涵一诺欣怡宇轩雨桐俊杰思琪晨曦"

USER_COLS = ["id", "password", "is_superuser", "username", "name", "phone_enc", "phone_hash",
             "id_card_enc", "id_card_hash", "is_active", "is_staff", "must_change_password",
             "date_joined"]  # fmt: skip
STUDENT_COLS = ["id", "unit_id", "unit_path", "user_id", "name", "gender", "student_no_enc",
                "student_no_hash", "id_card_enc", "id_card_hash", "school_class_id", "boarding", "status",
                "created_at", "updated_at"]  # fmt: skip
MEMBER_COLS = ["user_id", "unit_id", "role", "is_active", "created_at"]
DAY_COLS = ["learner_id", "lesson_id", "course_id", "audience", "grade_id", "class_id", "day", "credited_s",
            "unit_id", "unit_path"]  # fmt: skip
PART_COLS = ["learner_id", "campaign_id", "stage_id", "course_id", "audience", "grade_id", "class_id",
             "first_day", "completed_day", "passed_day", "unit_id", "unit_path"]  # fmt: skip
PROGRESS_COLS = ["learner_id", "audience", "credited_s", "started_at", "last_at", "completed_at",
                 "course_id", "campaign_id", "stage_id", "lessons_completed", "best_score", "passed_at",
                 "first_day", "unit_id", "unit_path"]  # fmt: skip


@dataclass(frozen=True)
class CourseSpec:
    """What the generator needs of a course: ids, lesson lengths, quiz, who it is for."""

    id: int
    campaign_id: int
    stage_id: int  # 0: no stage
    lessons: tuple[tuple[int, int], ...]  # (lesson id, length in seconds)
    quiz: bool
    school_types: tuple[str, ...] = ()
    grade_min: int | None = None
    grade_max: int | None = None

    def fits(self, school_type: str, level: int) -> bool:
        return student_fits(self, school_type, level)


@dataclass
class Rows:
    """Rows of one chunk of schools, by table."""

    grades: list[tuple] = field(default_factory=list)
    classes: list[tuple] = field(default_factory=list)
    users: list[tuple] = field(default_factory=list)
    students: list[tuple] = field(default_factory=list)
    members: list[tuple] = field(default_factory=list)
    days: list[tuple] = field(default_factory=list)
    parts: list[tuple] = field(default_factory=list)
    progress: list[tuple] = field(default_factory=list)


@dataclass
class Loader:
    courses: list[CourseSpec]
    students_per_school: int
    school_year: int
    share: float = 0.7
    accounts_per_school: int = 5
    class_size: int = 45
    days: int = 20
    seed: int = 2026
    today: dt.date = field(default_factory=timezone.localdate)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    accounts: list[int] = field(default_factory=list)  # user ids of the students with a membership

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.ids = {m: next_id(m) for m in (Grade, SchoolClass, User, Student)}
        self.now = timezone.now()

    # -- one school ---------------------------------------------------------------------------
    def school(self, unit: Unit, rows: Rows) -> None:
        levels = list(LEVELS.get(unit.school_type, range(1, 7)))
        per_level = [self.students_per_school // len(levels)] * len(levels)
        for i in range(self.students_per_school % len(levels)):
            per_level[i] += 1
        accounts_left = self.accounts_per_school
        for level, n in zip(levels, per_level, strict=True):
            if not n:
                continue
            grade_id = self._take(Grade)
            rows.grades.append((grade_id, unit.pk, unit.path, self.school_year, level, grade_name(level)))
            n_classes = math.ceil(n / self.class_size)
            for c in range(n_classes):
                class_id = self._take(SchoolClass)
                rows.classes.append((class_id, unit.pk, unit.path, grade_id, c + 1, f"{c + 1}班"))
                size = n // n_classes + (1 if c < n % n_classes else 0)
                for _ in range(size):
                    learner = self.rng.random() < self.share
                    user_id = self._student(unit, class_id, rows)
                    if learner:
                        self._learning(user_id, unit, grade_id, class_id, level, rows)
                    elif accounts_left:
                        accounts_left -= 1
                        self.accounts.append(user_id)
                        rows.members.append((user_id, unit.pk, Role.STUDENT, True, self.now))

    def _take(self, model: type) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def _student(self, unit: Unit, class_id: int, rows: Rows) -> int:
        user_id, student_id = self._take(User), self._take(Student)
        name = SURNAMES[user_id % 20] + GIVEN[(user_id * 7) % 20] + GIVEN[(user_id * 3) % 20]
        rows.users.append((user_id, "!", False, f"bench_{user_id}", name, "", "", "", "", True, False,
                           False, self.now))  # fmt: skip
        rows.students.append((student_id, unit.pk, unit.path, user_id, name, "MF"[user_id % 2], "", "", "",
                              "", class_id, False, StudentStatus.ENROLLED, self.now, self.now))  # fmt: skip
        return user_id

    # -- one learner's facts ------------------------------------------------------------------
    def _learning(
        self, user_id: int, unit: Unit, grade_id: int, class_id: int, level: int, rows: Rows
    ) -> None:
        rng, yesterday = self.rng, self.today - dt.timedelta(days=1)
        where = (Audience.STUDENT, grade_id, class_id)
        firsts: dict[int, dt.date] = {}  # stage id (0: the campaign) → first day
        for index, course in enumerate(c for c in self.courses if c.fits(unit.school_type, level)):
            if index and rng.random() > 0.7:
                continue
            first = yesterday - dt.timedelta(days=rng.randrange(self.days))
            done = rng.random() < 0.6
            credited, last = 0.0, first
            for n, (lesson_id, length) in enumerate(course.lessons):
                if not done and n:
                    break
                day = min(first + dt.timedelta(days=n), yesterday)
                seconds = float(length if done else 15 * rng.randint(1, max(1, length // 15 - 1)))
                rows.days.append((user_id, lesson_id, course.id, *where, day, seconds, unit.pk, unit.path))
                credited, last = credited + seconds, day
            completed = last if done else None
            passed = completed if course.quiz else None
            rows.parts.append((user_id, course.campaign_id, course.stage_id, course.id, *where, first,
                               completed, passed, unit.pk, unit.path))  # fmt: skip
            at = dt.datetime.combine(last, dt.time(19, 30), tzinfo=TZ)
            rows.progress.append((user_id, Audience.STUDENT, credited, self.now, at, at if done else None,
                                  course.id, course.campaign_id, course.stage_id or None,
                                  len(course.lessons) if done else 0, 90 if passed else None,
                                  at if passed else None, first, unit.pk, unit.path))  # fmt: skip
            for stage in {0, course.stage_id}:
                firsts[stage] = min(first, firsts.get(stage, first))
        campaign_id = self.courses[0].campaign_id
        for stage, first in sorted(firsts.items()):
            rows.parts.append((user_id, campaign_id, stage, 0, *where, first, None, None, unit.pk, unit.path))
        if firsts:
            self.counts["learners"] += 1

    # -- writing ------------------------------------------------------------------------------
    def flush(self, rows: Rows) -> None:
        with transaction.atomic():
            skip_reference_checks()
            for key, model, cols in [
                ("grades", Grade, ["id", "unit_id", "unit_path", "school_year", "level", "name"]),
                ("classes", SchoolClass, ["id", "unit_id", "unit_path", "grade_id", "number", "name"]),
                ("users", User, USER_COLS),
                ("students", Student, STUDENT_COLS),
                ("members", Membership, MEMBER_COLS),
                ("days", LearningDay, DAY_COLS),
                ("parts", Participation, PART_COLS),
                ("progress", CourseProgress, PROGRESS_COLS),
            ]:
                self.counts[key] += write_rows(model, cols, getattr(rows, key))

    def load(self, schools: list[Unit], chunk: int = 50, log: object = None) -> dict[str, int]:
        for start in range(0, len(schools), chunk):
            rows = Rows()
            for unit in schools[start : start + chunk]:
                self.school(unit, rows)
            self.flush(rows)
            if callable(log):
                done = min(start + chunk, len(schools))
                log(f"  schools {done:,}/{len(schools):,}: {self.counts['students']:,} students, "
                    f"{self.counts['learners']:,} learners")  # fmt: skip
        reset_sequences(
            Grade, SchoolClass, User, Student, Membership, LearningDay, Participation, CourseProgress
        )
        return dict(self.counts)
