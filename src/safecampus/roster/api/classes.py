"""Grades and classes: `/api/v1/roster/grades`, `/api/v1/roster/classes`."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Annotated

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, P, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, Id, SafeText
from safecampus.core.scoping import get_visible_or_404

from .. import services
from ..importing import current_school_year
from ..models import Grade, SchoolClass
from ..queries import class_rows_for, grades_for
from .common import (
    GradeLevel,
    NullableId,
    PersonRef,
    SchoolCode,
    SchoolRef,
    SchoolYear,
    actor,
    narrowed,
    one_or_404,
    visible_school_or_404,
)

GradeId = Path[int, P(ge=1, le=MAX_ID, description="Grade id.")]
ClassId = Path[int, P(ge=1, le=MAX_ID, description="Class id.")]
ClassName = Annotated[
    SafeText, Field(max_length=30, description="As the school writes it: 1班, 一班, (1)班, 初一1班 …")
]
GradeName = Annotated[SafeText, Field(max_length=30)]


class GradeOut(Schema):
    id: int
    school: SchoolRef
    school_year: int
    level: int
    name: str

    @staticmethod
    def resolve_school(obj: Grade) -> SchoolRef:
        return obj.unit


class GradeFilter(Schema):
    school: SchoolCode | None = None
    school_year: SchoolYear | None = None
    level: GradeLevel | None = None


class GradeCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: SchoolCode
    school_year: SchoolYear | None = Field(None, description="Default: the current school year.")
    level: GradeLevel
    name: GradeName | None = Field(None, description="Default: the usual name (七年级 …).")


class GradePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: GradeName | None = None


class ClassOut(Schema):
    id: int
    school: SchoolRef
    grade_id: int
    grade_name: str
    grade_level: int
    school_year: int
    number: int = Field(..., description="Normalised class number within the grade.")
    name: str = Field(..., description="As the school writes it.")
    display_name: str
    head_teacher: PersonRef | None
    student_count: int = Field(..., description="Enrolled students.")

    @staticmethod
    def resolve_school(obj: SchoolClass) -> SchoolRef:
        return obj.unit

    @staticmethod
    def resolve_grade_name(obj: SchoolClass) -> str:
        return str(obj.grade)

    @staticmethod
    def resolve_grade_level(obj: SchoolClass) -> int:
        return obj.grade.level

    @staticmethod
    def resolve_school_year(obj: SchoolClass) -> int:
        return obj.grade.school_year

    @staticmethod
    def resolve_display_name(obj: SchoolClass) -> str:
        return str(obj)

    @staticmethod
    def resolve_student_count(obj: SchoolClass) -> int:
        return getattr(obj, "student_count", 0)


class ClassFilter(Schema):
    school: SchoolCode | None = None
    school_year: SchoolYear | None = None
    grade_level: GradeLevel | None = None


class ClassCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    grade_id: Id
    name: ClassName
    head_teacher_id: NullableId = Field(None, description="User id of a head teacher of the school.")


class ClassPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: ClassName | None = None
    head_teacher_id: NullableId = Field(None, description="User id of a head teacher; null to clear.")


router = Router(tags=["roster"])


@router.get("/grades", response={200: list[GradeOut], **ERRORS}, summary="List visible grades")
@paginate(BoundedPagination)
def list_grades(request: HttpRequest, filters: Query[GradeFilter]) -> QuerySet:
    return narrowed(
        grades_for(actor(request)),
        unit__code=filters.school,
        school_year=filters.school_year,
        level=filters.level,
    )


@router.get("/grades/{grade_id}", response={200: GradeOut, **ERRORS}, summary="One visible grade")
def get_grade(request: HttpRequest, grade_id: GradeId) -> Grade:
    return one_or_404(grades_for(actor(request)), grade_id)


@router.post("/grades", response={201: GradeOut, **ERRORS}, summary="Create a grade of a school year")
def create_grade(request: HttpRequest, payload: GradeCreateIn) -> tuple[int, Grade]:
    user = actor(request)
    school = visible_school_or_404(user, payload.school)
    grade = services.create_grade(
        school,
        actor=user,
        school_year=payload.school_year or current_school_year(),
        level=payload.level,
        name=payload.name or "",
    )
    return 201, one_or_404(grades_for(user), grade.pk)


@router.patch("/grades/{grade_id}", response={200: GradeOut, **ERRORS}, summary="Rename a grade")
def update_grade(request: HttpRequest, grade_id: GradeId, payload: GradePatchIn) -> Grade:
    user = actor(request)
    grade = get_visible_or_404(Grade, user, pk=grade_id)
    services.update_grade(grade, actor=user, name=payload.name)
    return one_or_404(grades_for(user), grade.pk)


@router.get("/classes", response={200: list[ClassOut], **ERRORS}, summary="List visible classes")
@paginate(BoundedPagination)
def list_classes(request: HttpRequest, filters: Query[ClassFilter]) -> QuerySet:
    return narrowed(
        class_rows_for(actor(request)),
        unit__code=filters.school,
        grade__school_year=filters.school_year,
        grade__level=filters.grade_level,
    )


@router.get("/classes/{class_id}", response={200: ClassOut, **ERRORS}, summary="One visible class")
def get_class(request: HttpRequest, class_id: ClassId) -> SchoolClass:
    return one_or_404(class_rows_for(actor(request)), class_id)


@router.post("/classes", response={201: ClassOut, **ERRORS}, summary="Create a class in a grade")
def create_class(request: HttpRequest, payload: ClassCreateIn) -> tuple[int, SchoolClass]:
    user = actor(request)
    grade = get_visible_or_404(Grade, user, pk=payload.grade_id)
    klass = services.create_class(
        grade, actor=user, name=payload.name, head_teacher_id=payload.head_teacher_id
    )
    return 201, one_or_404(class_rows_for(user), klass.pk)


@router.patch(
    "/classes/{class_id}",
    response={200: ClassOut, **ERRORS},
    summary="Rename a class or set its head teacher",
)
def update_class(request: HttpRequest, class_id: ClassId, payload: ClassPatchIn) -> SchoolClass:
    user = actor(request)
    klass = get_visible_or_404(SchoolClass, user, pk=class_id)
    services.update_class(klass, actor=user, **payload.model_dump(exclude_unset=True))
    return one_or_404(class_rows_for(user), klass.pk)
