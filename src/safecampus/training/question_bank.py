"""Quiz services: quiz settings and the question bank of a course."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from .content_fields import order_of, text
from .models import (
    Course,
    Question,
    QuestionKind,
    Quiz,
)


# -- quizzes ----------------------------------------------------------------------------------
def _question_fields(kind: str, text_: str, choices: list[str], answer: list[int]) -> dict[str, Any]:
    if kind not in QuestionKind.values:
        raise Invalid(_("Choose single choice, multiple choice or true/false."), field="kind")
    if kind == QuestionKind.TRUE_FALSE:
        choices = choices if choices else [_("True"), _("False")]
        if len(choices) != 2:
            raise Invalid(_("A true/false question has exactly two choices."), field="choices")
    cleaned = [text(c, 300, "choices") for c in choices or []]
    if not 2 <= len(cleaned) <= 8:
        raise Invalid(_("Give between 2 and 8 choices."), field="choices")
    try:
        answers = sorted({int(a) for a in answer})
    except (TypeError, ValueError):
        raise Invalid(_("Mark the right answer."), field="answer") from None
    if not answers or any(not 0 <= a < len(cleaned) for a in answers):
        raise Invalid(_("Mark the right answer."), field="answer")
    if kind != QuestionKind.MULTIPLE and len(answers) != 1:
        raise Invalid(_("This kind of question has exactly one right answer."), field="answer")
    if kind == QuestionKind.MULTIPLE and len(answers) < 2:
        raise Invalid(_("A multiple-choice question has at least two right answers."), field="answer")
    return {"kind": kind, "text": text(text_, 1000, "text"), "choices": cleaned, "answer": answers}


@transaction.atomic
def save_quiz(course: Course, *, actor: Any, question_count: int, attempts_limit: int | None = None) -> Quiz:
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    try:
        count = int(question_count)
        limit = None if attempts_limit in (None, "") else int(attempts_limit)
    except (TypeError, ValueError):
        raise Invalid(_("Enter whole numbers."), field="question_count") from None
    if not 1 <= count <= 100:
        raise Invalid(_("A quiz draws between 1 and 100 questions."), field="question_count")
    if limit is not None and not 1 <= limit <= 100:
        raise Invalid(
            _("Allow between 1 and 100 attempts, or leave it empty for no limit."), field="attempts_limit"
        )
    quiz, _created = Quiz.objects.update_or_create(
        course=course, defaults={"question_count": count, "attempts_limit": limit}
    )
    audit.record(
        actor,
        "training.quiz_saved",
        course,
        unit=course.unit,
        after={"question_count": count, "attempts_limit": limit},
    )
    return quiz


@transaction.atomic
def add_question(
    course: Course,
    *,
    actor: Any,
    kind: str,
    text: str,
    choices: list[str],
    answer: list[int],
    explanation: str = "",
    order: int = 0,
) -> Question:
    require(actor, Perm.MANAGE_TRAINING, course.unit)
    values = _question_fields(kind, text, choices, answer)
    question = Question.objects.create(
        course=course, explanation=str(explanation or "")[:2000], order=order_of(order), **values
    )
    audit.record(
        actor,
        "training.question_added",
        course,
        unit=course.unit,
        after={"question": question.pk, "text": question.text[:80]},
    )
    return question


@transaction.atomic
def update_question(question: Question, *, actor: Any, **fields: Any) -> Question:
    require(actor, Perm.MANAGE_TRAINING, question.course.unit)
    values = _question_fields(
        fields.get("kind", question.kind),
        fields.get("text", question.text),
        fields.get("choices", question.choices),
        fields.get("answer", question.answer),
    )
    for name, value in values.items():
        setattr(question, name, value)
    if "explanation" in fields:
        question.explanation = str(fields["explanation"] or "")[:2000]
    if "is_active" in fields:
        question.is_active = bool(fields["is_active"])
    if "order" in fields:
        question.order = order_of(fields["order"])
    question.save()
    audit.record(
        actor,
        "training.question_updated",
        question.course,
        unit=question.course.unit,
        after={"question": question.pk, "active": question.is_active},
    )
    return question
