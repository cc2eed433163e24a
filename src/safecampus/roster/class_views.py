"""Roster pages: schools, classes of a school, a class, a student, my class and my children."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm, Role
from safecampus.core.scoping import get_visible_or_404, has_perm_at
from safecampus.core.validators import normalise

from . import batches, privacy, queries
from .forms import StudentFilterForm
from .import_views import roster_crumbs
from .importing import current_school_year
from .models import SchoolClass, Student, StudentStatus
from .parent_reset import can_issue_reset_code
from .teaching import classes_taught_by

STUDENTS_PER_PAGE = 100


@login_required
def roster_home(request: HttpRequest) -> HttpResponse:
    """Schools in the user's area; a school's own managers go straight to its classes."""
    user = request.user
    active = getattr(user, "active_membership", None)
    if active is not None and active.role == Role.HEAD_TEACHER:
        return redirect("roster:my_class")
    if active is not None and active.role == Role.PARENT:
        return redirect("roster:my_children")
    if not user.is_superuser and (active is None or not has_perm_at(user, Perm.VIEW_USERS, active.unit)):
        raise PermissionDenied
    if active is not None and active.unit.kind == UnitKind.SCHOOL:
        return redirect("roster:class_list", unit_id=active.unit.pk)
    q = (request.GET.get("q") or "").strip()[:60]
    schools = Unit.objects.visible_to(user).filter(kind=UnitKind.SCHOOL, is_active=True)
    if active is not None:
        schools = schools.filter(path__startswith=active.unit.path)
    if q:
        schools = schools.filter(Q(name__icontains=q) | Q(code__icontains=q))
    page = Paginator(schools.order_by("path"), 50).get_page(request.GET.get("page"))
    counts = dict(
        Student.objects.filter(unit__in=list(page.object_list), status=StudentStatus.ENROLLED)
        .values_list("unit")
        .annotate(n=Count("pk"))
    )
    for school in page.object_list:
        school.enrolled = counts.get(school.pk, 0)
    return render(
        request,
        "roster/home.html",
        {
            "page": page,
            "q": q,
            "query": urlencode({"q": q}) if q else "",
            "can_import": user.is_superuser or has_perm_at(user, Perm.MANAGE_USERS, active.unit),
            "breadcrumbs": [{"label": _("Roster")}],
        },
    )


@login_required
def class_list(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    school = get_visible_or_404(Unit, user, pk=unit_id)
    if school.kind != UnitKind.SCHOOL:
        raise Http404
    if not queries.can_view_class_list(user, school):
        raise PermissionDenied
    years = queries.school_years(school)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else current_school_year()
    grades = queries.grades_with_classes(school, year)
    return render(
        request,
        "roster/class_list.html",
        {
            "school": school,
            "grades": grades,
            "year": year,
            "years": sorted({*years, current_school_year()}, reverse=True),
            "total": sum(g.enrolled for g in grades),
            "class_count": sum(len(g.class_rows) for g in grades),
            "can_import": batches.can_import(user, school),
            "breadcrumbs": [*roster_crumbs(school)[:-1], {"label": school.name}],
        },
    )


def _class_crumbs(user, klass: SchoolClass, *extra: dict) -> list[dict]:
    if queries.can_view_class_list(user, klass.unit):
        return roster_crumbs(
            klass.unit, {"label": str(klass), "url": reverse("roster:class_detail", args=[klass.pk])}, *extra
        )
    return [
        {"label": _("My class"), "url": reverse("roster:my_class")},
        {"label": str(klass), "url": reverse("roster:class_detail", args=[klass.pk])},
        *extra,
    ]


def _filtered(students, form: StudentFilterForm):
    if not form.is_valid():
        return students
    data = form.cleaned_data
    text = normalise(data["q"])
    if text:
        by_number = Student.objects.with_number(text).values("pk")
        students = students.filter(Q(name__icontains=text) | Q(pk__in=by_number))
    if data["gender"]:
        students = students.filter(gender=data["gender"])
    if data["boarding"]:
        students = students.filter(boarding=data["boarding"] == "yes")
    if data["status"]:
        students = students.filter(status=data["status"])
    return students


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    user = request.user
    klass = get_visible_or_404(
        queries.with_counts(SchoolClass.objects.visible_to(user, Perm.VIEW_USERS)).select_related("unit"),
        user,
        pk=class_id,
    )
    form = StudentFilterForm(request.GET or None)
    students = _filtered(queries.students_of(user, klass), form)
    page = Paginator(students, STUDENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "roster/class_detail.html",
        {
            "klass": klass,
            "school": klass.unit,
            "assistants": list(klass.assistants.all()),
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(query.get(k) for k in ("q", "gender", "boarding", "status")),
            "breadcrumbs": [*_class_crumbs(user, klass)[:-1], {"label": str(klass)}],
        },
    )


@login_required
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    user = request.user
    qs = Student.objects.select_related("unit", "school_class__grade", "school_class__head_teacher")
    student = get_visible_or_404(qs, user, pk=student_id)
    klass = student.school_class
    class_visible = (
        klass is not None
        and SchoolClass.objects.visible_to(user, Perm.VIEW_USERS).filter(pk=klass.pk).exists()
    )
    if class_visible:
        crumbs = _class_crumbs(user, klass, {"label": student.name})
    elif has_perm_at(user, Perm.VIEW_USERS, student.unit):
        crumbs = roster_crumbs(student.unit, {"label": student.name})
    else:
        crumbs = [{"label": _("My children"), "url": reverse("roster:my_children")}, {"label": student.name}]
    return render(
        request,
        "roster/student_detail.html",
        {
            "student": student,
            "klass": klass,
            "class_visible": class_visible,
            "guardians": student.guardians.select_related("parent").order_by("pk"),
            "can_view_people": has_perm_at(user, Perm.VIEW_USERS, student.unit),
            "can_issue_reset_code": can_issue_reset_code(user, student),
            "can_reveal": privacy.can_reveal(user, student),
            "breadcrumbs": crumbs,
        },
    )


@login_required
def my_class(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = classes_taught_by(user).values("pk")
    classes = queries.with_counts(SchoolClass.objects.filter(pk__in=mine)).select_related("unit")
    return render(
        request,
        "roster/my_class.html",
        {
            "classes": classes.order_by("-grade__school_year", "grade__level", "number"),
            "breadcrumbs": [{"label": _("My class")}],
        },
    )


@login_required
def my_children(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "roster/my_children.html",
        {"children": queries.children_of(request.user), "breadcrumbs": [{"label": _("My children")}]},
    )
