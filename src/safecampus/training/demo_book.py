"""Writing the demo learners' progress in bulk, credited with the real rule.

For each learner the planned beats are credited by `credit.credit_timeline` (the function live beats
are credited and recounted with), then folded into lesson, course and day rows exactly as
`progress.ProgressBook` folds live beats (credited time capped at the lesson's length, completion at the
policy's ratio, the day of each credited second in Asia/Shanghai). Quiz attempts draw questions as
`quizzes.start_attempt` does and are graded by `quizzes.score_of`. Rows are written in bulk keeping
their historical dates (heartbeats by the database's own bulk path, the rest with `bulk_create`); a
recount from the stored heartbeats gives the same numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db import connection, models
from django.utils import timezone

from safecampus.core.policy import policy_for

from .credit import Beat, Rules, credit_timeline
from .demo_progress import AttemptPlan, LearnerPlan
from .models import Campaign, Course, Lesson, Question, QuestionKind
from .progress_models import (
    AttemptStatus,
    BeatStatus,
    CourseProgress,
    Heartbeat,
    LearnerClock,
    LearningDay,
    LessonProgress,
    QuizAttempt,
)
from .quizzes import score_of

BATCH = 2000


@contextlib.contextmanager
def historical(*fields: tuple[type[models.Model], str]) -> Iterator[None]:
    """Let `auto_now_add` fields keep the (past) values set on the rows while bulk-creating them."""
    saved = []
    for model, name in fields:
        f = model._meta.get_field(name)
        saved.append((f, f.auto_now_add))
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in saved:
            f.auto_now_add = value


class Rows:
    """Everything to insert, accumulated learner by learner."""

    def __init__(self, campaign: Campaign) -> None:
        policy = policy_for(campaign.unit)
        self.rules = Rules.from_policy(policy)
        self.ratio = float(policy.training["completion_ratio"])
        self.pass_mark = campaign.pass_mark
        self.tz = timezone.get_current_timezone()
        self.beats: list[tuple[int, str, Beat, float]] = []  # learner id, region key, beat, credit
        self.lessons: list[LessonProgress] = []
        self.courses: list[CourseProgress] = []
        self.days: list[LearningDay] = []
        self.attempts: list[QuizAttempt] = []
        self.clocks: dict[int, tuple[dt.datetime, str, int]] = {}

    # -- lessons ------------------------------------------------------------------------------
    def add(self, plan: LearnerPlan, lessons: dict[int, Lesson]) -> None:
        credits = credit_timeline(plan.beats, self.rules)
        ordered = sorted(plan.beats, key=lambda b: b.key)
        by_lesson: dict[int, list[Beat]] = defaultdict(list)
        for beat in ordered:
            by_lesson[beat.lesson_id].append(beat)
        course_rows: dict[int, CourseProgress] = {}
        for lesson_id, beats in by_lesson.items():
            lesson = lessons[lesson_id]
            audience = plan.learner.audience_for(lesson.course)
            unit = plan.learner.units[audience]
            row = LessonProgress(
                learner=plan.user, lesson=lesson, course_id=lesson.course_id, audience=audience
            )
            row.set_unit(unit)
            row.started_at = beats[0].at
            course = course_rows.get(lesson.course_id)
            days: dict[dt.date, float] = defaultdict(float)
            for beat in beats:
                credit = credits[beat.key]
                self.beats.append((plan.user.pk, row.unit_path, beat, credit))
                before = row.credited_s
                row.raw_s += credit
                row.credited_s = min(row.raw_s, float(lesson.duration_s))
                change = row.credited_s - before
                if change:
                    days[beat.at.astimezone(self.tz).date()] += change  # progress.local_day
                    if course is None:
                        course = self._course_row(plan, lesson.course, audience, unit, beat.at)
                        course_rows[lesson.course_id] = course
                    course.credited_s += change
                    course.last_at = max(filter(None, [course.last_at, beat.at]))
                if lesson.kind == "video":
                    row.furthest_s = max(row.furthest_s, beat.position_s)
                row.last_at = beat.at
                row.position_s, row.position_at = beat.position_s, beat.at
                if row.completed_at is None and row.credited_s + 1e-6 >= self.ratio * lesson.duration_s:
                    row.completed_at = beat.at
                    if course is not None:
                        course.lessons_completed += 1
                        course.last_lesson_done = beat.at
            self.lessons.append(row)
            for day, seconds in days.items():
                fact = LearningDay(learner=plan.user, lesson_id=lesson_id, course_id=lesson.course_id,
                                   audience=audience, day=day, credited_s=seconds)  # fmt: skip
                fact.unit_id, fact.unit_path = row.unit_id, row.unit_path
                if audience == "student":
                    fact.grade_id, fact.class_id = plan.learner.grade_id, plan.learner.class_id
                self.days.append(fact)
        last = ordered[-1]
        self.clocks[plan.user.pk] = (last.at, last.client_id, len(ordered))
        for attempt in plan.attempts:
            course = course_rows.get(attempt.course.pk)
            if course is None:
                audience = plan.learner.audience_for(attempt.course)
                course = self._course_row(plan, attempt.course, audience, plan.learner.units[audience],
                                          attempt.started_at)  # fmt: skip
                course_rows[attempt.course.pk] = course
            self._attempt(plan, attempt, course)
        for course in course_rows.values():
            self._complete(course)
            self.courses.append(course)

    def _course_row(
        self, plan: LearnerPlan, course: Course, audience: str, unit: Any, at: dt.datetime
    ) -> Any:
        row = CourseProgress(learner=plan.user, course=course, campaign_id=course.campaign_id,
                             stage_id=course.stage_id, audience=audience)  # fmt: skip
        row.set_unit(unit)
        row.started_at = at
        row.last_lesson_done = None
        return row

    def _complete(self, row: CourseProgress) -> None:
        lessons = len(row.course.lessons_list)
        if row.lessons_completed < lessons or not lessons:
            return
        if row.course.has_quiz and row.passed_at is None:
            return
        row.completed_at = max(filter(None, [row.last_lesson_done, row.passed_at]))

    # -- quizzes ------------------------------------------------------------------------------
    def _attempt(self, plan: LearnerPlan, attempt: AttemptPlan, row: CourseProgress) -> None:
        course = attempt.course
        rnd = random.Random(f"quiz-{plan.user.pk}-{course.pk}-{attempt.started_at.isoformat()}")  # noqa: S311
        pool = [q for q in sorted(course.questions.all(), key=lambda q: (q.order, q.pk)) if q.is_active]
        drawn = rnd.sample(pool, min(course.quiz.question_count, len(pool)))
        right = round(attempt.right * len(drawn) / 10)
        correct = set(rnd.sample(range(len(drawn)), right))
        answers = {
            str(q.pk): (sorted(q.answer) if i in correct else wrong_answer(rnd, q))
            for i, q in enumerate(drawn)
        }
        score = score_of(drawn, answers)
        passed = score >= self.pass_mark
        item = QuizAttempt(
            quiz=course.quiz,
            learner=plan.user,
            question_ids=[q.pk for q in drawn],
            answers=answers,
            status=AttemptStatus.SUBMITTED,
            score=score,
            passed=passed,
            started_at=attempt.started_at,
            submitted_at=attempt.submitted_at,
        )
        item.unit_id, item.unit_path = row.unit_id, row.unit_path
        self.attempts.append(item)
        row.best_score = max(row.best_score or 0, score)
        if passed and row.passed_at is None:
            row.passed_at = attempt.submitted_at
        row.last_at = max(filter(None, [row.last_at, attempt.submitted_at]))


def wrong_answer(rnd: random.Random, question: Question) -> list[int]:
    """A plausible wrong answer: another choice, or a multiple choice with one right choice missed."""
    right = sorted(question.answer)
    if question.kind == QuestionKind.MULTIPLE:
        missed = rnd.choice(right)
        return [c for c in right if c != missed]
    others = [i for i in range(len(question.choices)) if i not in right]
    return [rnd.choice(others)]


def write_plans(campaign: Campaign, courses: list[Course], plans: list[LearnerPlan]) -> None:
    lessons = {lesson.pk: lesson for course in courses for lesson in course.lessons_list}
    rows = Rows(campaign)
    for plan in plans:
        rows.add(plan, lessons)
    insert_beats(rows.beats)
    with historical(
        (LessonProgress, "started_at"), (CourseProgress, "started_at"), (QuizAttempt, "started_at")
    ):
        LessonProgress.objects.bulk_create(rows.lessons, batch_size=BATCH)
        CourseProgress.objects.bulk_create(rows.courses, batch_size=BATCH)
        LearningDay.objects.bulk_create(rows.days, batch_size=BATCH)
        QuizAttempt.objects.bulk_create(rows.attempts, batch_size=BATCH)
    _clocks(rows.clocks)


BEAT_COLUMNS = (
    "learner",
    "unit_path",
    "client_id",
    "lesson",
    "position_s",
    "at",
    "received_at",
    "status",
    "reason",
    "credit_s",
)


def insert_beats(beats: list[tuple[int, str, Beat, float]]) -> None:
    """Insert accepted heartbeats (received when sent) by the database's own bulk path: there are
    hundreds of thousands, and the ORM's per-value preparation would take most of a minute
    (PostgreSQL: COPY; SQLite: one prepared statement run for every row)."""
    ops = connection.ops
    table = ops.quote_name(Heartbeat._meta.db_table)
    columns = ", ".join(ops.quote_name(Heartbeat._meta.get_field(n).column) for n in BEAT_COLUMNS)
    accepted = str(BeatStatus.ACCEPTED)

    def rows(items: list[tuple[int, str, Beat, float]], adapt: Any) -> Iterator[tuple[Any, ...]]:
        for learner_id, path, beat, credit in items:
            at = adapt(beat.at)
            yield (
                learner_id,
                path,
                beat.client_id,
                beat.lesson_id,
                beat.position_s,
                at,
                at,
                accepted,
                "",
                credit,
            )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows(beats, lambda at: at):
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(BEAT_COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
        for start in range(0, len(beats), BATCH):
            cursor.executemany(sql, list(rows(beats[start : start + BATCH], ops.adapt_datetimefield_value)))


def _clocks(clocks: dict[int, tuple[dt.datetime, str, int]]) -> None:
    """Each learner's clock ends at their latest beat (kept when a later one is already there)."""
    existing = {c.learner_id: c for c in LearnerClock.objects.filter(learner_id__in=clocks)}
    new = []
    for learner_id, (at, client_id, count) in clocks.items():
        clock = existing.get(learner_id)
        if clock is None:
            new.append(LearnerClock(learner_id=learner_id, last_at=at, last_id=client_id, beats=count))
            continue
        if clock.last_at is None or (at, client_id) > (clock.last_at, clock.last_id):
            clock.last_at, clock.last_id = at, client_id
        clock.beats += count
        clock.save(update_fields=["last_at", "last_id", "beats"])
    LearnerClock.objects.bulk_create(new, batch_size=BATCH)
