"""Class pages for head teachers: my classes, a class's progress board, assigning lessons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.roles import Perm
from safecampus.core.ui import run_service
from safecampus.core.validators import normalise
from safecampus.roster.models import SchoolClass

from . import class_queries as cq
from .class_forms import SHOW_BEHIND, SHOW_NO_ACCOUNT, SHOW_ON_TRACK, AssignForm, BoardFilterForm
from .class_models import ClassroomSession, SessionStatus
from .class_services import assign_lessons, unassign_lesson

CLASSES_PER_PAGE = 24


def crumbs(*extra: dict) -> list[dict]:
    return [{"label": _("Class training"), "url": reverse("training:classes")}, *extra]


def class_crumbs(klass: Any, *extra: dict) -> list[dict]:
    return crumbs({"label": str(klass), "url": reverse("training:class_progress", args=[klass.pk])}, *extra)


@login_required
def classes(request: HttpRequest) -> HttpResponse:
    """The classes the user reaches, each with a summary of its assigned lessons."""
    user = request.user
    qs = SchoolClass.objects.visible_to(user, Perm.VIEW_TRAINING).select_related(
        "grade", "unit", "head_teacher"
    )
    q = normalise(request.GET.get("q") or "")[:60]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q) | Q(grade__name__icontains=q))
    qs = qs.order_by("-grade__school_year", "unit_path", "grade__level", "number", "pk")
    page = Paginator(qs, CLASSES_PER_PAGE).get_page(request.GET.get("page"))
    classes_ = list(page.object_list)
    boards = cq.build_boards(user, classes_)
    playing = set(
        ClassroomSession.objects.filter(school_class__in=classes_, status=SessionStatus.OPEN).values_list(
            "school_class_id", flat=True
        )
    )
    cards = [{"klass": k, "board": boards[k.pk], "playing": k.pk in playing} for k in classes_]
    schools = {k.unit_id for k in classes_}
    return render(
        request,
        "training/class_list.html",
        {
            "cards": cards,
            "page": page,
            "q": q,
            "query": f"q={q}" if q else "",
            "many_schools": len(schools) > 1 or page.paginator.num_pages > 1 or bool(q),
            "breadcrumbs": [{"label": _("Class training")}],
        },
    )


def _filtered_rows(board: cq.ClassBoard, form: BoardFilterForm) -> list[cq.StudentRow]:
    rows = board.rows
    if not form.is_valid():
        return rows
    show, text = form.cleaned_data["show"], normalise(form.cleaned_data["q"])
    if show == SHOW_BEHIND:
        rows = [r for r in rows if r.behind]
    elif show == SHOW_ON_TRACK:
        rows = [r for r in rows if not r.behind]
    elif show == SHOW_NO_ACCOUNT:
        rows = [r for r in rows if not r.has_account]
    if text:
        rows = [r for r in rows if text in r.student.name]
    return rows


@login_required
def class_progress(request: HttpRequest, class_id: int) -> HttpResponse:
    """Students × assigned lessons, who is behind and why; classroom mode for the class's teachers."""
    user = request.user
    klass = cq.class_for(user, class_id)
    board = cq.class_board(user, klass)
    form = BoardFilterForm(request.GET or None)
    can_manage = cq.can_manage_class(user, klass)
    assigned = {a.lesson_id for a in board.assignments}
    offered = board.offered if can_manage else []
    recent = (
        ClassroomSession.objects.filter(school_class=klass, status=SessionStatus.CLOSED)
        .select_related("lesson", "teacher")
        .annotate(present=Count("attendance"))
        .order_by("-started_at", "-id")[:5]
    )
    query = request.GET.copy()
    return render(
        request,
        "training/class_progress.html",
        {
            "klass": klass,
            "board": board,
            "rows": _filtered_rows(board, form),
            "form": form,
            "filtered": any(query.get(k) for k in ("show", "q")),
            "can_manage": can_manage,
            "assigned_lessons": [a.lesson for a in board.assignments],
            "other_lessons": [x for x in offered if x.pk not in assigned],
            "playing": list(cq.open_sessions(klass)) if can_manage else [],
            "recent": recent,
            "breadcrumbs": crumbs({"label": str(klass)}),
        },
    )


def manageable_class(request: HttpRequest, class_id: int) -> Any:
    klass = cq.class_for(request.user, class_id)
    if not cq.can_manage_class(request.user, klass):
        raise PermissionDenied
    return klass


def _courses(offered: list, assigned: dict[int, Any]) -> list[dict]:
    """Offered lessons grouped by course, in curriculum order."""
    groups: list[dict] = []
    for lesson in offered:
        if not groups or groups[-1]["course"].pk != lesson.course_id:
            groups.append({"course": lesson.course, "lessons": []})
        groups[-1]["lessons"].append({"lesson": lesson, "assignment": assigned.get(lesson.pk)})
    return groups


@login_required
def class_assign(request: HttpRequest, class_id: int) -> HttpResponse:
    """Choose lessons for the class; the service puts them on the policy's cadence."""
    user = request.user
    klass = manageable_class(request, class_id)
    offered = cq.lessons_for_class(klass)
    assignments = list(cq.assignments_of(klass))
    assigned = {a.lesson_id: a for a in assignments}
    today = timezone.localdate()
    default_start = max([today, *(a.due_on for a in assignments)])
    form = AssignForm(
        request.POST or None, initial={"start_on": default_start}, lesson_ids=[x.pk for x in offered]
    )
    if request.method == "POST" and form.is_valid():
        wanted = set(form.cleaned_data["lessons"])
        chosen = [x for x in offered if x.pk in wanted]  # curriculum order, whatever the form's order
        start = form.cleaned_data["start_on"]
        created = run_service(form, lambda: assign_lessons(klass, chosen, actor=user, start_on=start))
        if created is not None:
            skipped = len(chosen) - len(created)
            if created:
                messages.success(
                    request,
                    ngettext(
                        "%(n)s lesson assigned; it is due on %(first)s.",
                        "%(n)s lessons assigned; the first is due on %(first)s, the last on %(last)s.",
                        len(created),
                    )
                    % {"n": len(created), "first": created[0].due_on, "last": created[-1].due_on},
                )
            if skipped:
                messages.info(
                    request,
                    ngettext(
                        "%(n)s lesson was already assigned and keeps its date.",
                        "%(n)s lessons were already assigned and keep their dates.",
                        skipped,
                    )
                    % {"n": skipped},
                )
            return redirect("training:class_progress", klass.pk)
    return render(
        request,
        "training/class_assign.html",
        {
            "klass": klass,
            "form": form,
            "groups": _courses(offered, assigned),
            "assignments": assignments,
            "today": today,
            "interval": cq.interval_days(klass),
            "breadcrumbs": class_crumbs(klass, {"label": _("Assign lessons")}),
        },
    )


@login_required
@require_POST
def class_unassign(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = manageable_class(request, class_id)
    text = (request.POST.get("lesson") or "").strip()
    valid = text.isdigit() and len(text) <= 12
    assignment = cq.assignments_of(klass).filter(lesson_id=int(text)).first() if valid else None
    if assignment is None:
        messages.error(request, _("This lesson is not assigned to the class."))
    else:
        try:
            unassign_lesson(klass, assignment.lesson, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("“%(title)s” was taken off the class's schedule.")
                % {"title": assignment.lesson.display_title},
            )
    return redirect("training:class_assign", klass.pk)
