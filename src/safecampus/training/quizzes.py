"""Quizzes: a random draw of N questions, graded on the server only; the best score counts.

The learner gets question texts and choices (`question_payload`), never the answers, until the
attempt is submitted; then each question comes back with the right answer and explanation.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Conflict, Invalid

from .learner import learner_of
from .models import ContentStatus, Question, QuestionKind, Quiz
from .progress import ProgressBook
from .progress_models import AttemptStatus, LearnerClock, QuizAttempt


def offered_quiz(user: Any, quiz_id: int) -> tuple[Quiz, str]:
    """The quiz and the audience the user takes it under; 404 alike when missing or not theirs."""
    from django.http import Http404

    quiz = (
        Quiz.objects.filter(
            pk=quiz_id,
            course__in=_offered_courses(user),
        )
        .select_related("course__campaign", "course__unit")
        .first()
    )
    audience = learner_of(user).audience_for(quiz.course) if quiz else None
    if quiz is None or audience is None:
        raise Http404
    return quiz, audience


def _offered_courses(user: Any) -> Any:
    from .models import Course

    return Course.objects.offered_to(user).filter(
        status=ContentStatus.PUBLISHED, campaign__status=ContentStatus.PUBLISHED
    )


def question_payload(question: Question, *, reveal: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question.pk,
        "kind": question.kind,
        "text": question.text,
        "choices": list(question.choices),
    }
    if reveal:
        data["answer"] = list(question.answer)
        data["explanation"] = question.explanation
    return data


def submitted_count(quiz: Quiz, user: Any) -> int:
    return QuizAttempt.objects.filter(quiz=quiz, learner=user, status=AttemptStatus.SUBMITTED).count()


@transaction.atomic
def start_attempt(user: Any, quiz_id: int) -> QuizAttempt:
    quiz, audience = offered_quiz(user, quiz_id)
    LearnerClock.objects.get_or_create(learner=user)
    LearnerClock.objects.select_for_update().get(learner=user)
    open_attempt = QuizAttempt.objects.filter(quiz=quiz, learner=user, status=AttemptStatus.OPEN).first()
    if open_attempt is not None:
        return open_attempt  # a reload or a retried request gets the same questions back
    if quiz.attempts_limit is not None and submitted_count(quiz, user) >= quiz.attempts_limit:
        raise Conflict(_("You have used all %(n)s attempts at this quiz.") % {"n": quiz.attempts_limit})
    pool = list(quiz.course.questions.filter(is_active=True).values_list("pk", flat=True))
    if not pool:
        raise Conflict(_("This quiz has no questions yet."))
    drawn = random.sample(pool, min(quiz.question_count, len(pool)))
    attempt = QuizAttempt(quiz=quiz, learner=user, question_ids=drawn)
    attempt.set_unit(learner_of(user).units[audience])
    attempt.save()
    return attempt


def attempt_questions(attempt: QuizAttempt) -> list[Question]:
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def _normalise(question: Question, given: Any) -> list[int]:
    values = given if isinstance(given, list) else [given]
    try:
        chosen = sorted({int(v) for v in values if v is not None and str(v) != ""})
    except (TypeError, ValueError):
        raise Invalid(_("An answer must be the number of a choice."), field=str(question.pk)) from None
    if any(c < 0 or c >= len(question.choices) for c in chosen):
        raise Invalid(_("An answer must be the number of a choice."), field=str(question.pk))
    if question.kind != QuestionKind.MULTIPLE and len(chosen) > 1:
        raise Invalid(_("Choose one answer only."), field=str(question.pk))
    return chosen


def score_of(questions: list[Question], answers: dict[str, list[int]]) -> int:
    if not questions:
        return 0
    right = sum(1 for q in questions if answers.get(str(q.pk), []) == sorted(q.answer))
    return round(100 * right / len(questions))


@transaction.atomic
def submit_attempt(user: Any, attempt_id: int, answers: dict[str, Any]) -> QuizAttempt:
    LearnerClock.objects.get_or_create(learner=user)
    LearnerClock.objects.select_for_update().get(learner=user)
    attempt = (
        QuizAttempt.objects.filter(pk=attempt_id, learner=user)
        .select_related("quiz__course__campaign")
        .first()
    )
    if attempt is None:
        from django.http import Http404

        raise Http404
    if attempt.status == AttemptStatus.SUBMITTED:
        return attempt  # a retried submission answers with the stored result
    quiz, audience = offered_quiz(user, attempt.quiz_id)
    questions = attempt_questions(attempt)
    if not isinstance(answers, dict):
        raise Invalid(_("Answers must map each question to the chosen choices."))
    unknown = set(map(str, answers)) - {str(q.pk) for q in questions}
    if unknown:
        raise Invalid(_("Answers name questions that are not in this attempt."))
    normalised = {str(q.pk): _normalise(q, answers.get(str(q.pk), answers.get(q.pk, []))) for q in questions}
    attempt.answers = normalised
    attempt.score = score_of(questions, normalised)
    attempt.passed = attempt.score >= quiz.pass_mark
    attempt.status = AttemptStatus.SUBMITTED
    attempt.submitted_at = timezone.now()
    attempt.save(update_fields=["answers", "score", "passed", "status", "submitted_at"])
    book = ProgressBook(learner_of(user))
    course = book.course_row(quiz.course, audience)
    course.best_score = max(course.best_score or 0, attempt.score)
    if attempt.passed and course.passed_at is None:
        course.passed_at = attempt.submitted_at
        book.complete_course_if_done(course)
    book.flush()
    audit.record(
        user,
        "training.quiz_submitted",
        attempt,
        unit=attempt.unit,
        after={
            "quiz": quiz.pk,
            "course": quiz.course.title,
            "score": attempt.score,
            "passed": attempt.passed,
        },
    )
    return attempt
