"""Classroom mode: the teacher plays a lesson on the classroom screen, then marks who was present."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.roster.models import Student, StudentStatus

from . import class_queries as cq
from .class_models import ClassroomAttendance, SessionStatus
from .class_services import cancel_session, finish_session, start_session
from .class_views import class_crumbs, manageable_class
from .models import Lesson


def media_url(lesson: Lesson, part: str = "file") -> str:
    """The lesson's media as the learner pages serve it (range requests, access checked); the
    storage URL where that route is not installed."""
    stored = lesson.media if part == "file" else lesson.poster
    if not stored:
        return ""
    try:
        return reverse("training:media", args=[lesson.pk, part])
    except NoReverseMatch:
        try:
            return stored.url
        except ValueError:
            return ""


@login_required
@require_POST
def classroom_start(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = manageable_class(request, class_id)
    text = (request.POST.get("lesson") or "").strip()
    offered = {x.pk: x for x in cq.lessons_for_class(klass)}
    lesson = offered.get(int(text)) if text.isdigit() and len(text) <= 12 else None
    if lesson is None:
        messages.error(request, _("Choose a lesson offered to this class."))
        return redirect("training:class_progress", klass.pk)
    try:
        session = start_session(klass, lesson, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("training:class_progress", klass.pk)
    return redirect("training:classroom", klass.pk, session.pk)


def _students(user: Any, klass: Any) -> list[Student]:
    return list(
        Student.objects.visible_to(user)
        .filter(school_class=klass, status=StudentStatus.ENROLLED)
        .select_related("user")
        .order_by("name", "pk")
    )


@login_required
def classroom(request: HttpRequest, class_id: int, session_id: int) -> HttpResponse:
    """The full-screen player while the session is open; what was credited once it is closed."""
    klass = manageable_class(request, class_id)
    session = cq.session_for(klass, session_id)
    lesson = session.lesson
    context: dict[str, Any] = {
        "klass": klass,
        "session": session,
        "lesson": lesson,
        "is_open": session.status == SessionStatus.OPEN,
        "breadcrumbs": class_crumbs(klass, {"label": _("Classroom mode")}),
    }
    if session.status == SessionStatus.OPEN:
        context.update(
            students=_students(request.user, klass),
            file_url=media_url(lesson, "file"),
            poster_url=media_url(lesson, "poster"),
        )
        return render(request, "training/class_player.html", context)
    present = list(
        ClassroomAttendance.objects.filter(session=session)
        .select_related("student__user")
        .order_by("student__name", "student_id")
    )
    here = {a.student_id for a in present}
    context.update(
        absent=[s for s in _students(request.user, klass) if s.pk not in here],
        present=[a.student for a in present],
        uncredited=[a.student for a in present if a.student.user_id is None or not a.student.user.is_active],
    )
    return render(request, "training/class_session.html", context)


@login_required
@require_POST
def classroom_finish(request: HttpRequest, class_id: int, session_id: int) -> HttpResponse:
    klass = manageable_class(request, class_id)
    session = cq.session_for(klass, session_id)
    try:
        result = finish_session(
            session, actor=request.user, present_student_ids=request.POST.getlist("present")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("training:classroom", klass.pk, session.pk)
    minutes = f"{result.session.credited_s / 60:.1f}".removesuffix(".0")
    messages.success(
        request,
        ngettext(
            "Lesson finished: %(n)s student credited, %(m)s min.",
            "Lesson finished: %(n)s students credited, %(m)s min each.",
            len(result.credited),
        )
        % {"n": len(result.credited), "m": minutes},
    )
    if result.skipped:
        names = "、".join(f"{s.name or '#' + str(s.student_id)} ({s.reason_label})" for s in result.skipped)
        messages.warning(request, _("Not credited: %(names)s.") % {"names": names})
    elif not result.present:
        messages.warning(request, _("Nobody was marked present, so nobody was credited."))
    return redirect("training:classroom", klass.pk, session.pk)


@login_required
@require_POST
def classroom_cancel(request: HttpRequest, class_id: int, session_id: int) -> HttpResponse:
    klass = manageable_class(request, class_id)
    session = cq.session_for(klass, session_id)
    try:
        cancel_session(session, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.info(request, _("The classroom lesson was cancelled; nobody was credited."))
    return redirect("training:class_progress", klass.pk)
