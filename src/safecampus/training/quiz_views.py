"""The quiz pages: the quiz (start, questions without answers, submit) and an attempt's result.

Before submission the page gets `question_payload(q)` dictionaries only: texts and choices, never
answers or explanations; the result page reveals them for the questions of that attempt.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError

from . import queries, quizzes
from .learn_views import training_crumbs
from .progress_models import AttemptStatus, QuizAttempt
from .templatetags.training_tags import local_title

ANSWER_FIELD = re.compile(r"^q(\d{1,10})$")


def _quiz_context(user: Any, quiz_id: int) -> dict[str, Any]:
    quiz, _audience = quizzes.offered_quiz(user, quiz_id)
    submitted = list(
        QuizAttempt.objects.visible_to(user).filter(quiz=quiz, learner=user, status=AttemptStatus.SUBMITTED)
    )
    used = len(submitted)
    left = None if quiz.attempts_limit is None else max(quiz.attempts_limit - used, 0)
    card = queries.course_card(user, quiz.course_id)
    return {
        "quiz": quiz,
        "course": quiz.course,
        "card": card,
        "attempts": submitted,
        "attempts_used": used,
        "attempts_left": left,
        "best_score": max((a.score or 0 for a in submitted), default=None),
    }


@login_required
def quiz(request: HttpRequest, quiz_id: int) -> HttpResponse:
    user = request.user
    context = _quiz_context(user, quiz_id)
    open_attempt = (
        QuizAttempt.objects.visible_to(user)
        .filter(quiz=context["quiz"], learner=user, status=AttemptStatus.OPEN)
        .first()
    )
    questions = []
    if open_attempt is not None:
        # Payloads without answers: the template never sees a Question object.
        questions = [quizzes.question_payload(q) for q in quizzes.attempt_questions(open_attempt)]
    context.update(
        {
            "attempt": open_attempt,
            "questions": questions,
            "breadcrumbs": training_crumbs({"label": local_title(context["course"])}),
        }
    )
    return render(request, "training/learn/quiz.html", context)


@login_required
@require_POST
def quiz_start(request: HttpRequest, quiz_id: int) -> HttpResponse:
    try:
        quizzes.start_attempt(request.user, quiz_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("training:quiz", quiz_id=quiz_id)


def _answers(request: HttpRequest) -> dict[str, list[str]]:
    answers: dict[str, list[str]] = {}
    for key in request.POST:
        match = ANSWER_FIELD.match(key)
        if match:
            answers[match[1]] = request.POST.getlist(key)
    return answers


@login_required
@require_POST
def quiz_submit(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quizzes.offered_quiz(request.user, quiz_id)  # 404 before anything else when not theirs
    attempt_id = request.POST.get("attempt", "")
    if not attempt_id.isdigit():
        raise Http404
    attempt = (
        QuizAttempt.objects.visible_to(request.user)
        .filter(pk=int(attempt_id), quiz_id=quiz_id, learner=request.user)
        .first()
    )
    if attempt is None:
        raise Http404
    try:
        attempt = quizzes.submit_attempt(request.user, attempt.pk, _answers(request))
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("training:quiz", quiz_id=quiz_id)
    return redirect("training:quiz_result", attempt_id=attempt.pk)


@login_required
def quiz_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    user = request.user
    attempt = (
        QuizAttempt.objects.visible_to(user)
        .filter(pk=attempt_id, learner=user)
        .select_related("quiz__course__campaign")
        .first()
    )
    if attempt is None:
        raise Http404
    if attempt.status != AttemptStatus.SUBMITTED:
        return redirect("training:quiz", quiz_id=attempt.quiz_id)
    context = _quiz_context(user, attempt.quiz_id)
    rows = []
    for question in quizzes.attempt_questions(attempt):
        payload = quizzes.question_payload(question, reveal=True)
        chosen = attempt.answers.get(str(question.pk), [])
        payload["chosen"] = chosen
        payload["right"] = chosen == sorted(payload["answer"])
        payload["marked"] = [
            {"text": text, "chosen": i in chosen, "answer": i in payload["answer"]}
            for i, text in enumerate(payload["choices"])
        ]
        rows.append(payload)
    context.update(
        {
            "attempt": attempt,
            "rows": rows,
            "right_count": sum(1 for r in rows if r["right"]),
            "breadcrumbs": training_crumbs(
                {
                    "label": local_title(context["course"]),
                    "url": reverse("training:quiz", args=[attempt.quiz_id]),
                },
                {"label": _("Result")},
            ),
        }
    )
    return render(request, "training/learn/quiz_result.html", context)
