"""Content management pages of one course: the course, its lessons, quiz and question bank."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.i18n import list_join
from safecampus.core.models import SchoolType
from safecampus.core.ui import run_service

from . import content, images
from . import manage_queries as q
from .manage_forms import CourseForm, ImageForm, LessonForm, QuestionForm, QuizForm, grade_choices
from .manage_views import apply_status, campaign_crumbs, form_page, status_actions, timeline
from .models import Audience, Campaign, Course, LessonKind, Quiz


def course_crumbs(course: Course, *extra: dict) -> list[dict]:
    url = reverse("training:course", args=[course.pk])
    return campaign_crumbs(course.campaign, {"label": course.display_title, "url": url}, *extra)


def length_label(seconds: int) -> str:
    """5:00, 1:02:03."""
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def student_scope(course: Course) -> str:
    """Which students: school types and grades, in words."""
    types = list_join([SchoolType(t).label for t in course.school_types if t in SchoolType.values])
    names = dict(grade_choices())
    lo, hi = course.grade_min, course.grade_max
    if lo is None and hi is None:
        grades = _("every grade")
    else:
        first = names.get(str(lo), lo) if lo is not None else names["-3"]
        last = names.get(str(hi), hi) if hi is not None else names["12"]
        grades = f"{first} – {last}"
    return f"{types or _('every kind of school')} · {grades}"


def _course_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data[name] for name in CourseForm.base_fields}
    values["order"] = values["order"] or 0
    return values


def _course_initial(course: Course) -> dict[str, Any]:
    initial = {
        name: getattr(course, name) for name in CourseForm.base_fields if name not in ("stage", "theme")
    }
    initial["stage"] = str(course.stage.number) if course.stage_id else ""
    initial["theme"] = course.theme.key if course.theme_id else ""
    for name in ("grade_min", "grade_max"):
        initial[name] = "" if initial[name] is None else str(initial[name])
    return initial


def _owner_for_new_course(user: Any, campaign: Campaign) -> Any:
    """The campaign's unit when the user manages the campaign, else their own unit (a unit
    below adds its own course to a campaign offered to it)."""
    return campaign.unit if q.can_manage(user, campaign) else q.managing_unit(user)


@login_required
def course_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    campaign = q.campaign_for(user, campaign_id)
    owner = _owner_for_new_course(user, campaign)
    form = CourseForm(request.POST or None, campaign=campaign, initial={"audiences": ["student"]})
    if request.method == "POST" and form.is_valid():
        values = _course_values(form.cleaned_data)
        course = run_service(form, lambda: content.create_course(campaign, owner, actor=user, **values))
        if course is not None:
            messages.success(
                request, _("Course “%(title)s” created. Now add its lessons.") % {"title": course.title}
            )
            return redirect("training:course", course_id=course.pk)
    return form_page(
        request,
        form,
        title=_("New course"),
        cancel=reverse("training:campaign", args=[campaign.pk]),
        crumbs=campaign_crumbs(campaign),
        note=_("The course belongs to %(unit)s and is offered to everyone under it.") % {"unit": owner.name},
        template_form="training/manage/_course_fields.html",
    )


@login_required
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    quiz = Quiz.objects.filter(course=course).first()
    questions = list(course.questions.all())
    active = sum(1 for x in questions if x.is_active)
    lessons = list(course.lessons.all())
    for lesson in lessons:
        lesson.length_label = length_label(lesson.duration_s)
    return render(
        request,
        "training/manage/course_detail.html",
        {
            "course": course,
            "campaign": course.campaign,
            "lessons": lessons,
            "audience_labels": list_join(
                [Audience(a).label for a in course.audiences if a in Audience.values]
            ),
            "student_scope": student_scope(course),
            "quiz": quiz,
            "quiz_form": QuizForm(
                initial={"question_count": quiz.question_count, "attempts_limit": quiz.attempts_limit}
                if quiz
                else None
            ),
            "questions": questions,
            "active_questions": active,
            "too_few_questions": quiz is not None and active < quiz.question_count,
            "actions": status_actions(course),
            "timeline": timeline(user, course, related=lessons),
            "kinds": LessonKind.choices,
            "breadcrumbs": campaign_crumbs(course.campaign, {"label": course.display_title}),
        },
    )


@login_required
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    form = CourseForm(request.POST or None, campaign=course.campaign, initial=_course_initial(course))
    if request.method == "POST" and form.is_valid():
        values = _course_values(form.cleaned_data)
        done = run_service(form, lambda: content.update_course(course, actor=user, **values))
        if done is not None:
            messages.success(request, _("Changes saved."))
            return redirect("training:course", course_id=course.pk)
    return form_page(
        request,
        form,
        title=_("Edit course"),
        cancel=reverse("training:course", args=[course.pk]),
        crumbs=course_crumbs(course),
        template_form="training/manage/_course_fields.html",
    )


@login_required
@require_POST
def course_status(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    apply_status(request, course, content.change_course_status)
    return redirect("training:course", course_id=course.pk)


# -- lessons ----------------------------------------------------------------------------------
def _lesson_values(form: LessonForm, request: HttpRequest) -> dict[str, Any]:
    data = form.cleaned_data
    values: dict[str, Any] = {
        "title": data["title"],
        "title_en": data["title_en"],
        "order": data["order"] or 0,
    }
    if "body_html" in data:
        values["body_html"] = data["body_html"]
    if data.get("minutes"):
        values["duration_s"] = data["minutes"] * 60
    if data.get("file"):
        values["media"] = data["file"]
    if data.get("poster"):
        values["poster"] = data["poster"]
    return values


LESSON_FIELDS = {"media": "file", "duration_s": "minutes", "image": "poster"}


def _run_lesson_service(form: LessonForm, call: Any) -> Any:
    """run_service, with the service's field names mapped to the form's."""
    try:
        return call()
    except DomainError as exc:
        field = LESSON_FIELDS.get(exc.field or "", exc.field)
        form.add_error(field if field in form.fields else None, str(exc.message))
        return None


def _lesson_page(
    request: HttpRequest, form: LessonForm, course: Course, kind: str, **extra: Any
) -> HttpResponse:
    context = {
        "form": form,
        "course": course,
        "kind": kind,
        "kind_label": LessonKind(kind).label,
        "image_upload_url": reverse("training:image_upload", args=[course.pk]),
        "image_form": ImageForm(),
        **extra,
    }
    return render(request, "training/manage/lesson_form.html", context)


@login_required
def lesson_create(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    kind = request.GET.get("kind", "")
    if kind not in LessonKind.values:
        raise Http404
    initial = {"order": course.lessons.count()}
    form = LessonForm(request.POST or None, request.FILES or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _lesson_values(form, request)
        lesson = _run_lesson_service(
            form, lambda: content.create_lesson(course, actor=user, kind=kind, **values)
        )
        if lesson is not None:
            messages.success(request, _("Lesson “%(title)s” added.") % {"title": lesson.title})
            return redirect(reverse("training:course", args=[course.pk]) + "#lessons")
    title = _("New lesson: %(kind)s") % {"kind": LessonKind(kind).label}
    return _lesson_page(
        request, form, course, kind, title=title, breadcrumbs=course_crumbs(course, {"label": title})
    )


@login_required
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    lesson = q.lesson_for(user, lesson_id)
    course = lesson.course
    initial = {"title": lesson.title, "title_en": lesson.title_en, "order": lesson.order,
               "body_html": lesson.body_html, "minutes": max(1, round(lesson.duration_s / 60))}  # fmt: skip
    form = LessonForm(
        request.POST or None, request.FILES or None, kind=lesson.kind, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        values = _lesson_values(form, request)
        if "duration_s" in values and form.cleaned_data["minutes"] == initial["minutes"]:
            values.pop("duration_s")  # unchanged: keep the exact seconds
        before = lesson.version
        done = _run_lesson_service(form, lambda: content.update_lesson(lesson, actor=user, **values))
        if done is not None:
            if done.version != before:
                messages.success(
                    request,
                    _("Saved as version %(v)s. Learners keep their progress.") % {"v": done.version},
                )
            else:
                messages.success(request, _("Changes saved."))
            return redirect(reverse("training:course", args=[course.pk]) + "#lessons")
    title = _("Edit lesson")
    return _lesson_page(
        request,
        form,
        course,
        lesson.kind,
        lesson=lesson,
        revisions=list(lesson.revisions.select_related("created_by")),
        title=title,
        breadcrumbs=course_crumbs(course, {"label": lesson.display_title}),
    )


@login_required
@require_POST
def image_upload(request: HttpRequest, course_id: int) -> HttpResponse:
    """An image for an article's text; answers JSON {url} or {error} (400)."""
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"error": _("Choose an image file.")}, status=400)
    try:
        image = images.add_lesson_image(course, actor=user, upload=form.cleaned_data["image"])
    except DomainError as exc:
        return JsonResponse({"error": str(exc.message)}, status=400)
    return JsonResponse({"url": images.image_url(image), "id": image.pk})


# -- quiz and questions -----------------------------------------------------------------------
@login_required
@require_POST
def quiz_settings(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    form = QuizForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: content.save_quiz(
                course,
                actor=user,
                question_count=data["question_count"],
                attempts_limit=data["attempts_limit"],
            ),
        )
        if done is not None:
            messages.success(request, _("Quiz settings saved."))
            return redirect(reverse("training:course", args=[course.pk]) + "#quiz")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(reverse("training:course", args=[course.pk]) + "#quiz")


def _question_page(request: HttpRequest, form: QuestionForm, course: Course, title: str, **extra: Any):
    return render(
        request,
        "training/manage/question_form.html",
        {"form": form, "course": course, "title": title,
         "breadcrumbs": course_crumbs(course, {"label": title}), **extra},
    )  # fmt: skip


def _save_question(form: QuestionForm, call: Any) -> Any:
    parsed = form.parsed()
    if parsed is None:
        return None
    choices, answer = parsed
    data = form.cleaned_data
    return run_service(
        form,
        lambda: call(kind=data["kind"], text=data["text"], choices=choices, answer=answer,
                     explanation=data["explanation"], order=data["order"] or 0),
    )  # fmt: skip


@login_required
def question_create(request: HttpRequest, course_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    course = q.course_for(user, course_id)
    form = QuestionForm(request.POST or None, initial={"kind": "single", "order": course.questions.count()})
    if request.method == "POST" and form.is_valid():
        question = _save_question(form, lambda **kw: content.add_question(course, actor=user, **kw))
        if question is not None:
            messages.success(request, _("Question added."))
            if "add_another" in request.POST:
                return redirect("training:question_new", course_id=course.pk)
            return redirect(reverse("training:course", args=[course.pk]) + "#questions")
    return _question_page(request, form, course, _("New question"))


@login_required
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    question = q.question_for(user, question_id)
    course = question.course
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        done = _save_question(form, lambda **kw: content.update_question(question, actor=user, **kw))
        if done is not None:
            messages.success(request, _("Question saved."))
            return redirect(reverse("training:course", args=[course.pk]) + "#questions")
    return _question_page(request, form, course, _("Edit question"), question=question)


@login_required
@require_POST
def question_active(request: HttpRequest, question_id: int) -> HttpResponse:
    user = request.user
    q.managing_unit(user)
    question = q.question_for(user, question_id)
    active = request.POST.get("active") == "1"
    try:
        content.update_question(question, actor=user, is_active=active)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Question back in use.") if active else _("Question taken out of use."))
    return redirect(reverse("training:course", args=[question.course_id]) + "#questions")
