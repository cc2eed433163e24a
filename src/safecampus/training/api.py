"""Training API for mobile clients, mounted at `/api/v1/training/`.

`POST heartbeats` takes a batch of beats (each with a client-generated id, applied exactly once);
`GET my/courses` lists what the learner is offered with progress; quizzes are started with
`POST quizzes/{id}/attempts` (questions without answers) and graded on the server by
`POST quizzes/{id}/attempts/{attempt_id}/submit`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
import math
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, P, Path, Router, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints

from safecampus.core.api import ERRORS, MAX_ID, Id
from safecampus.core.errors import Invalid

from . import quizzes
from .heartbeats import MAX_BATCH, BeatIn, record_heartbeats
from .offer import OfferedCourse, offered_courses
from .progress_models import AttemptStatus, CourseProgress, QuizAttempt

router = Router(tags=["training"])

QuizId = Path[int, P(ge=1, le=MAX_ID, description="Quiz id.")]
AttemptId = Path[int, P(ge=1, le=MAX_ID, description="Attempt id.")]
ClientId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("not a finite number")
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


class HeartbeatIn(Schema):
    model_config = ConfigDict(extra="forbid")
    id: ClientId = Field(description="Client-generated id (a UUID): the same id is applied once.")
    lesson: Id
    position_s: Annotated[float, Field(ge=0, le=86400), AfterValidator(_finite)] = Field(
        description="Seconds into the video (0 for articles and documents)."
    )
    at: Annotated[dt.datetime, AfterValidator(_aware)] = Field(
        description="When the beat was made (ISO 8601; without a zone: Asia/Shanghai)."
    )


class HeartbeatOut(Schema):
    id: str
    status: str = Field(description="accepted | refused")
    duplicate: bool = Field(description="This id was applied before; nothing changed.")
    reason: str = Field(description="Why refused: skip | unknown_lesson | future | too_old | beyond_end")
    lesson: int | None
    credited_s: float = Field(description="The lesson's credited seconds after this batch.")
    furthest_s: float = Field(description="The furthest point watched (a refused skip goes back here).")
    completed: bool
    pending: bool = Field(
        description="Stored and not credited yet (within seconds); credited_s does not include it yet."
    )


class HeartbeatsOut(Schema):
    results: list[HeartbeatOut]


@router.post("/heartbeats", response={200: HeartbeatsOut, **ERRORS}, summary="Record learning heartbeats")
def post_heartbeats(request: HttpRequest, beats: list[HeartbeatIn]) -> dict[str, Any]:
    """A JSON array of beats (1 to 500), e.g. an offline queue replayed in one request.

    Each beat is stored once and credited by a background job within seconds: a new beat is
    answered `accepted` with `pending: true`, and the figures of its lesson as credited so far.
    A beat that cannot be true (unknown lesson, future, too old, past the end) is `refused` at once
    and not stored; a lesson the learner is not offered, or a skip ahead, is found when crediting
    (the same id sent again answers with the stored outcome)."""
    if not 1 <= len(beats) <= MAX_BATCH:
        raise Invalid(_("Send between 1 and %(n)s heartbeats at a time.") % {"n": MAX_BATCH})
    results = record_heartbeats(
        request.auth, [BeatIn(b.id, b.lesson, float(b.position_s), b.at) for b in beats], inline=False
    )
    return {"results": [r.__dict__ for r in results]}


# -- my courses -----------------------------------------------------------------------------
class LessonOut(Schema):
    id: int
    title: str
    title_en: str
    kind: str
    duration_s: int
    version: int
    credited_s: float
    furthest_s: float
    position_s: float
    completed: bool


class QuizOut(Schema):
    id: int
    question_count: int
    pass_mark: int
    attempts_limit: int | None
    attempts_left: int | None
    best_score: int | None
    passed: bool


class MyCourseOut(Schema):
    id: int
    title: str
    title_en: str
    campaign: str
    campaign_id: int
    stage: int | None
    theme: str | None
    audience: str
    lesson_count: int
    lessons_completed: int
    credited_s: float
    completed: bool
    lessons: list[LessonOut]
    quiz: QuizOut | None


def _course_out(item: OfferedCourse) -> dict[str, Any]:
    course, progress = item.course, item.progress
    quiz = None
    if item.quiz is not None:
        quiz = {
            "id": item.quiz.pk,
            "question_count": item.quiz.question_count,
            "pass_mark": course.campaign.pass_mark,
            "attempts_limit": item.quiz.attempts_limit,
            "attempts_left": item.attempts_left,
            "best_score": progress.best_score if progress else None,
            "passed": bool(progress and progress.passed_at),
        }
    return {
        "id": course.pk,
        "title": course.title,
        "title_en": course.title_en,
        "campaign": course.campaign.title,
        "campaign_id": course.campaign_id,
        "stage": course.stage.number if course.stage_id else None,
        "theme": course.theme.key if course.theme_id else None,
        "audience": item.audience,
        "lesson_count": len(item.lessons),
        "lessons_completed": sum(1 for _lesson, p in item.lessons if p and p.completed_at),
        "credited_s": round(progress.credited_s, 1) if progress else 0.0,
        "completed": item.completed,
        "lessons": [
            {
                "id": lesson.pk,
                "title": lesson.title,
                "title_en": lesson.title_en,
                "kind": lesson.kind,
                "duration_s": lesson.duration_s,
                "version": lesson.version,
                "credited_s": round(p.credited_s, 1) if p else 0.0,
                "furthest_s": round(p.furthest_s, 1) if p else 0.0,
                "position_s": round(p.position_s, 1) if p else 0.0,
                "completed": bool(p and p.completed_at),
            }
            for lesson, p in item.lessons
        ],
        "quiz": quiz,
    }


@router.get("/my/courses", response={200: list[MyCourseOut], **ERRORS}, summary="My courses and progress")
def my_courses(request: HttpRequest) -> list[dict[str, Any]]:
    return [_course_out(item) for item in offered_courses(request.auth)]


# -- quizzes --------------------------------------------------------------------------------
class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    choices: list[str]
    answer: list[int] | None = Field(None, description="Only after submission.")
    explanation: str | None = Field(None, description="Only after submission.")


class AttemptOut(Schema):
    id: int
    quiz: int
    status: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    questions: list[QuestionOut]
    answers: dict[str, list[int]] | None = Field(None, description="Your answers, after submission.")
    score: int | None
    passed: bool | None
    pass_mark: int
    best_score: int | None
    attempts_left: int | None


class AnswersIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answers: dict[
        Annotated[str, StringConstraints(pattern=r"^[0-9]{1,19}$")],
        Annotated[list[Annotated[int, Field(ge=0, le=7)]], Field(max_length=8)],
    ] = Field(
        default_factory=dict,
        description='Question id → indexes of the chosen choices, e.g. {"12": [0]}; an unanswered question '
        "counts as wrong.",
    )


def _attempt_out(attempt: QuizAttempt) -> dict[str, Any]:
    quiz = attempt.quiz
    submitted = attempt.status == AttemptStatus.SUBMITTED
    progress = CourseProgress.objects.filter(learner=attempt.learner_id, course=quiz.course_id).first()
    used = quizzes.submitted_count(quiz, attempt.learner)
    return {
        "id": attempt.pk,
        "quiz": quiz.pk,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "submitted_at": attempt.submitted_at,
        "questions": [
            quizzes.question_payload(q, reveal=submitted) for q in quizzes.attempt_questions(attempt)
        ],
        "answers": attempt.answers if submitted else None,
        "score": attempt.score,
        "passed": attempt.passed,
        "pass_mark": quiz.course.campaign.pass_mark,
        "best_score": progress.best_score if progress else None,
        "attempts_left": None if quiz.attempts_limit is None else max(quiz.attempts_limit - used, 0),
    }


@router.post(
    "/quizzes/{quiz_id}/attempts",
    response={201: AttemptOut, **ERRORS},
    summary="Start (or resume) a quiz attempt",
)
def start_attempt(request: HttpRequest, quiz_id: QuizId) -> tuple[int, dict[str, Any]]:
    """Draws the quiz's questions at random; an attempt left open is given back instead.
    The answers are not sent until the attempt is submitted."""
    return 201, _attempt_out(quizzes.start_attempt(request.auth, quiz_id))


@router.get(
    "/quizzes/{quiz_id}/attempts/{attempt_id}", response={200: AttemptOut, **ERRORS}, summary="An attempt"
)
def get_attempt(request: HttpRequest, quiz_id: QuizId, attempt_id: AttemptId) -> dict[str, Any]:
    attempt = QuizAttempt.objects.filter(pk=attempt_id, quiz_id=quiz_id, learner=request.auth).first()
    if attempt is None:
        raise Http404
    return _attempt_out(attempt)


@router.post(
    "/quizzes/{quiz_id}/attempts/{attempt_id}/submit",
    response={200: AttemptOut, **ERRORS},
    summary="Submit answers; graded on the server",
)
def submit_attempt(
    request: HttpRequest, quiz_id: QuizId, attempt_id: AttemptId, payload: AnswersIn
) -> dict[str, Any]:
    if not QuizAttempt.objects.filter(pk=attempt_id, quiz_id=quiz_id, learner=request.auth).exists():
        raise Http404
    return _attempt_out(quizzes.submit_attempt(request.auth, attempt_id, payload.answers))
