"""Realistic learning progress for the demo roster: who learns, what and when.

A good share of the students with accounts (about 60–85 % a class, varying between schools and classes),
most staff and leaders and some parents learn the courses offered to them over the last six weeks
before today: keen learners finish their courses and pass the quizzes (some at the second try),
steady ones finish a course or two and leave others half done (some fail a quiz), light ones read one
lesson. Each lesson viewing becomes heartbeats every 15 s, which `demo_book` credits with the real rule
(`credit.py`) and writes in bulk. Named demo accounts get fixed plans (see `FIXED_PLANS`); demo_student
never touches the end-to-end test's course.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from safecampus.core.models import Membership, Unit
from safecampus.core.roles import Role
from safecampus.roster.models import Guardian, Student, StudentStatus

from .credit import Beat
from .learner import Learner, learners_of
from .models import Audience, Campaign, ContentStatus, Course, Lesson
from .progress_models import CourseProgress, Heartbeat

WINDOW_DAYS = 42
BEAT_S = 15
PROFILES = (("keen", 0.35), ("steady", 0.42), ("light", 0.23))
# username → [(course key, fraction watched of each lesson (1 = all), quiz scores as right answers of 10)]
FIXED_PLANS: dict[str, list[tuple[str, list[float], list[int]]]] = {
    "demo_student": [("fire-primary", [1, 1], [9]), ("traffic-students", [0.5], [])],
    "demo_teacher": [("staff-fire", [1, 1], [7, 9]), ("staff-drowning", [1, 0.4], [])],
    "demo_parent": [("parent-drowning", [1, 0.6], [])],
    "demo_principal": [("staff-fire", [1], []), ("leader-duty", [1, 1], [10])],
}


@dataclass
class CoursePlan:
    course: Course
    fractions: list[float]  # per lesson, in order; shorter than the lessons = the rest not started
    scores: list[int] = field(default_factory=list)  # right answers out of 10, attempt by attempt


@dataclass
class AttemptPlan:
    course: Course
    right: int
    started_at: dt.datetime
    submitted_at: dt.datetime


@dataclass
class LearnerPlan:
    user: Any
    learner: Learner
    beats: list[Beat] = field(default_factory=list)
    attempts: list[AttemptPlan] = field(default_factory=list)


@dataclass
class Window:
    first_day: dt.date
    last_day: dt.date  # yesterday: every beat lies in the past

    @classmethod
    def ending_today(cls) -> Window:
        today = timezone.localdate()
        return cls(today - dt.timedelta(days=WINDOW_DAYS), today - dt.timedelta(days=1))

    def earliest(self, course: Course) -> dt.date:
        start = course.stage.starts_on if course.stage_id else course.campaign.starts_on
        return max(self.first_day, start)


# -- who learns --------------------------------------------------------------------------------
def _rate(key: str, low: float, high: float) -> float:
    return random.Random(key).uniform(low, high)  # noqa: S311 (demo data)


def _chosen(key: str, rate: float) -> bool:
    return random.Random(key).random() < rate  # noqa: S311 (demo data)


def candidate_users(province: Unit) -> list[Any]:
    """Users of the demo region who learn, in a stable order: students of each class at a rate of
    the school and class, most staff, some parents. Named demo accounts always."""
    users: dict[int, Any] = {}
    students = (
        Student.objects.filter(
            unit_path__startswith=province.path,
            status=StudentStatus.ENROLLED,
            user__isnull=False,
            user__is_active=True,
            school_class__isnull=False,
        )
        .select_related("user", "unit")
        .order_by("pk")
    )
    for s in students:
        school = _rate(f"school-{s.unit.code}", 0.62, 0.84)
        rate = min(0.92, max(0.5, school + _rate(f"class-{s.school_class_id}", -0.1, 0.1)))
        if s.user.username in FIXED_PLANS or _chosen(f"student-{s.pk}", rate):
            users[s.user_id] = s.user
    staff = (
        Membership.objects.filter(unit__path__startswith=province.path, is_active=True, user__is_active=True)
        .exclude(role__in=[Role.STUDENT, Role.PARENT])
        .select_related("user")
        .order_by("pk")
    )
    for m in staff:
        if m.user.username in FIXED_PLANS or _chosen(f"staff-{m.user_id}", 0.82):
            users[m.user_id] = m.user
    parents = (
        Guardian.objects.filter(student__unit_path__startswith=province.path, parent__is_active=True)
        .select_related("parent", "student__unit")
        .order_by("pk")
    )
    for g in parents:
        rate = _rate(f"parents-{g.student.unit.code}", 0.18, 0.45)
        if g.parent.username in FIXED_PLANS or _chosen(f"parent-{g.parent_id}", rate):
            users[g.parent_id] = g.parent
    return list(users.values())


# -- what they learn ---------------------------------------------------------------------------
def _right_answers(rnd: random.Random, weights: dict[int, float]) -> int:
    return rnd.choices(list(weights), weights=list(weights.values()))[0]


def random_plan(rnd: random.Random, courses: list[Course], pass_right: int) -> list[CoursePlan]:
    profile = rnd.choices([p for p, _ in PROFILES], weights=[w for _, w in PROFILES])[0]
    plans: list[CoursePlan] = []
    if profile == "light":
        course = rnd.choice(courses)
        plans.append(CoursePlan(course, [rnd.choice([1.0, rnd.uniform(0.2, 0.85)])]))
        return plans
    done = len(courses) if profile == "keen" else rnd.randint(1, len(courses))
    for index, course in enumerate(courses):
        n = len(course.lessons_list)
        if index < done:
            scores: list[int] = []
            if course.has_quiz:
                first = {10: 3, 9: 3, 8: 2, 7: 1.2, 6: 0.8} if profile == "keen" else {
                    10: 1.5, 9: 2, 8: 2.5, 7: 2, 6: 1.2, 5: 0.8}  # fmt: skip
                scores.append(_right_answers(rnd, first))
                retry = 1.0 if profile == "keen" else 0.5
                while scores[-1] < pass_right and len(scores) < 3 and rnd.random() < retry:
                    scores.append(_right_answers(rnd, {7: 1, 8: 3, 9: 3, 10: 2}))
                if profile == "steady" and rnd.random() < 0.15:
                    scores = []  # read everything, quiz not taken yet
            plans.append(CoursePlan(course, [1.0] * n, scores))
        elif index == done and profile == "steady":
            done_lessons = rnd.randint(0, n - 1)
            plans.append(CoursePlan(course, [1.0] * done_lessons + [rnd.uniform(0.15, 0.8)]))
    return plans


def fixed_plan(username: str, courses: list[Course]) -> list[CoursePlan]:
    by_key = {c.key: c for c in courses}
    return [CoursePlan(by_key[key], fractions, scores) for key, fractions, scores in FIXED_PLANS[username]
            if key in by_key]  # fmt: skip


# -- when ---------------------------------------------------------------------------------------
def _slot(rnd: random.Random, day: dt.date, audience: str) -> dt.datetime:
    """A plausible time to start learning on `day` (Asia/Shanghai) for the audience."""
    weekend = day.weekday() >= 5
    if weekend:
        minutes = rnd.randint(9 * 60, 20 * 60)
    elif audience == Audience.STUDENT:
        minutes = rnd.randint(16 * 60 + 40, 20 * 60 + 30)
    elif audience == Audience.PARENT:
        minutes = rnd.randint(19 * 60 + 30, 22 * 60)
    else:
        minutes = rnd.choice(
            [rnd.randint(12 * 60 + 10, 13 * 60 + 20), rnd.randint(19 * 60 + 30, 21 * 60 + 30)]
        )
    tz = timezone.get_current_timezone()
    at = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=tz)
    return at + dt.timedelta(seconds=rnd.randint(0, 59))


class Calendar:
    """Lays one learner's viewings one after another on evenings within the window."""

    def __init__(self, rnd: random.Random, window: Window, audience: str) -> None:
        self.rnd, self.window, self.audience = rnd, window, audience
        self.day = window.first_day + dt.timedelta(days=rnd.randint(0, 18))
        self.free_at: dt.datetime | None = None  # end of the last viewing on self.day

    def start(self, earliest: dt.date) -> dt.datetime | None:
        """When the next viewing starts (None: not before the window ends)."""
        if earliest > self.day:
            self.day, self.free_at = earliest + dt.timedelta(days=self.rnd.randint(0, 4)), None
        elif self.free_at is not None and self.rnd.random() < 0.5:
            self.day, self.free_at = self.day + dt.timedelta(days=self.rnd.randint(1, 6)), None
        if self.day > self.window.last_day:
            return None
        if self.free_at is None:
            return _slot(self.rnd, self.day, self.audience)
        at = self.free_at + dt.timedelta(seconds=self.rnd.randint(60, 15 * 60))
        return at if timezone.localtime(at).date() <= self.window.last_day else None  # never today

    def done(self, at: dt.datetime) -> None:
        self.free_at = at


def _client_id(rnd: random.Random) -> str:
    return str(uuid.UUID(int=rnd.getrandbits(128), version=4))


def viewing(
    rnd: random.Random, lesson: Lesson, start_at: dt.datetime, start_s: float, end_s: float
) -> list[Beat]:
    """Beats of one honest viewing from `start_s` to `end_s`: one at once, every 15 s, one at the end."""
    beats = []
    elapsed = 0.0
    length = end_s - start_s
    while True:
        beats.append(
            Beat(start_at + dt.timedelta(seconds=elapsed), _client_id(rnd), lesson.pk, start_s + elapsed)
        )
        if elapsed >= length:
            return beats
        elapsed = min(elapsed + BEAT_S, length)


def schedule(rnd: random.Random, plan: LearnerPlan, courses: list[CoursePlan], window: Window) -> None:
    """Turn course plans into beats and quiz attempts, in order, stopping at the window's end."""
    audience_of = plan.learner.audience_for
    calendar: Calendar | None = None
    for cp in courses:
        calendar = calendar or Calendar(rnd, window, audience_of(cp.course) or Audience.STUDENT)
        for lesson, fraction in zip(cp.course.lessons_list, cp.fractions, strict=False):
            goal = float(lesson.duration_s) * fraction
            parts = [0.0, goal]
            if fraction >= 1 and rnd.random() < 0.25:  # watched in two sittings
                parts = [0.0, round(goal * rnd.uniform(0.3, 0.7)), goal]
            for a, b in itertools.pairwise(parts):
                start = calendar.start(window.earliest(cp.course))
                if start is None:
                    return
                beats = viewing(rnd, lesson, start, a, b)
                plan.beats.extend(beats)
                calendar.done(beats[-1].at)
        for right in cp.scores:
            start = calendar.start(window.earliest(cp.course))
            if start is None:
                return
            end = start + dt.timedelta(seconds=rnd.randint(150, 480))
            plan.attempts.append(AttemptPlan(cp.course, right, start, end))
            calendar.done(end)


# -- all together -------------------------------------------------------------------------------
def published_courses(campaign: Campaign) -> list[Course]:
    courses = list(
        Course.objects.filter(campaign=campaign, status=ContentStatus.PUBLISHED)
        .select_related("stage", "campaign", "unit")
        .prefetch_related("lessons", "questions")
        .order_by("stage__number", "order", "id")
    )
    for course in courses:
        course.lessons_list = sorted(course.lessons.all(), key=lambda lesson: (lesson.order, lesson.pk))
        for lesson in course.lessons_list:
            lesson.course = course
        course.has_quiz = hasattr(course, "quiz")
    return courses


def plans_for(
    campaign: Campaign, courses: list[Course], users: list[Any], window: Window
) -> list[LearnerPlan]:
    pass_right = -(-campaign.pass_mark // 10)  # of 10 questions
    busy = set(Heartbeat.objects.filter(learner__in=users).values_list("learner_id", flat=True).distinct())
    plans = []
    learners = learners_of([u for u in users if u.pk not in busy])  # busy: learning for real already
    for user in users:
        if user.pk in busy:
            continue
        learner = learners[user.pk]
        offered = [c for c in courses if learner.audience_for(c) and window.earliest(c) <= window.last_day]
        if not offered:
            continue
        rnd = random.Random(f"training-demo-{user.username}")  # noqa: S311 (demo data)
        chosen = (
            fixed_plan(user.username, offered)
            if user.username in FIXED_PLANS
            else random_plan(rnd, offered, pass_right)
        )
        plan = LearnerPlan(user, learner)
        schedule(rnd, plan, chosen, window)
        if plan.beats:
            plans.append(plan)
    return plans


def load_progress(campaign: Campaign, *, window: Window | None = None) -> int:
    """Create the demo learners' progress in `campaign` once; returns the number of learners."""
    from .demo_book import write_plans

    if CourseProgress.objects.filter(campaign=campaign).exists():
        return 0
    province = campaign.unit
    with transaction.atomic():
        courses = published_courses(campaign)
        plans = plans_for(campaign, courses, candidate_users(province), window or Window.ending_today())
        write_plans(campaign, courses, plans)
        from safecampus.training_stats.backfill import backfill_campaign
        from safecampus.training_stats.recount import rebuild

        backfill_campaign(campaign)
        rebuild()
    return len(plans)
