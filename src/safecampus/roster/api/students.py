"""Students: `/api/v1/roster/students`. Student numbers, ID-card numbers and guardians' mobile
numbers are shown masked; `POST /students/{id}/reveal/{field}` gives one clear value to those who
may see it (`roster.privacy`), and records that it was shown."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Annotated

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, P, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, Id, SafeText
from safecampus.core.scoping import get_visible_or_404

from .. import privacy, services
from ..models import Gender, SchoolClass, Student, StudentStatus
from ..queries import students_for
from .common import (
    CredentialOut,
    IdCard,
    Name,
    Phone,
    SchoolCode,
    SchoolRef,
    actor,
    credentials_out,
    narrowed,
    one_or_404,
)

StudentId = Path[int, P(ge=1, le=MAX_ID, description="Student id.")]
StudentNo = Annotated[
    SafeText, Field(max_length=32, description="Student number (学籍号): letters and digits.")
]
Relation = Annotated[SafeText, Field(max_length=20, description="父亲, 母亲, 爷爷 …")]
BirthDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]


class ClassRef(Schema):
    id: int
    name: str
    display_name: str
    grade_level: int
    school_year: int


class GuardianOut(Schema):
    user_id: int
    name: str
    phone: str = Field(..., description="Masked mobile number (138****0001).")
    relation: str


class StudentOut(Schema):
    id: int
    name: str
    gender: str
    student_no: str = Field(
        ...,
        description="Masked student number (G4101***********042); empty when none. The clear value: "
        "POST /students/{id}/reveal/student_no (user managers of the school, audited).",
    )
    id_card: str = Field(..., description="Masked ID-card number (3701**********12X); empty when none.")
    birth_date: dt.date | None
    boarding: bool
    status: str
    school: SchoolRef
    school_class: ClassRef | None
    username: str = Field(..., description="The student's account; empty when none.")
    guardians: list[GuardianOut]

    @staticmethod
    def resolve_student_no(obj: Student) -> str:
        return obj.student_no_masked if obj.student_no_enc else ""

    @staticmethod
    def resolve_id_card(obj: Student) -> str:
        return obj.id_card_masked if obj.id_card_enc else ""

    @staticmethod
    def resolve_school(obj: Student) -> SchoolRef:
        return obj.unit

    @staticmethod
    def resolve_school_class(obj: Student) -> ClassRef | None:
        klass: SchoolClass | None = obj.school_class
        if klass is None:
            return None
        return ClassRef(
            id=klass.pk,
            name=klass.name,
            display_name=str(klass),
            grade_level=klass.grade.level,
            school_year=klass.grade.school_year,
        )

    @staticmethod
    def resolve_username(obj: Student) -> str:
        return obj.user.username if obj.user_id else ""

    @staticmethod
    def resolve_guardians(obj: Student) -> list[GuardianOut]:
        return [
            GuardianOut(
                user_id=g.parent_id,
                name=g.parent.name,
                phone=g.parent.phone_masked if g.parent.phone_enc else "",
                relation=g.relation,
            )
            for g in obj.guardians.all()
        ]


class StudentCreatedOut(StudentOut):
    credentials: list[CredentialOut] = Field(
        ..., description="Initial passwords of the new accounts (the student's, and the parent's if new)."
    )


class StudentFilter(Schema):
    school: SchoolCode | None = None
    class_id: Id | None = None
    status: StudentStatus | None = None
    q: SafeText | None = Field(
        None, description="Name contains this text, or the exact student number or ID-card number."
    )


class StudentCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    class_id: Id
    name: Name
    gender: Gender
    id_card: IdCard | None = None
    student_no: StudentNo | None = None
    birth_date: BirthDate | None = None
    boarding: bool = False
    parent_name: Name | None = None
    parent_phone: Phone | None = None
    relation: Relation | None = None


class StudentPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    gender: Gender | None = None
    id_card: IdCard | None = Field(
        None, description="Empty or null to remove (a student number must remain)."
    )
    student_no: StudentNo | None = None
    birth_date: BirthDate | None = None
    class_id: Id | None = Field(None, description="Move to another class of the school.")
    boarding: bool | None = None
    status: StudentStatus | None = Field(None, description="enrolled ⇄ suspended; → transferred, graduated.")


router = Router(tags=["roster"])


def _student(user: object, student_id: int) -> Student:
    return one_or_404(students_for(user), student_id)


@router.get("/students", response={200: list[StudentOut], **ERRORS}, summary="List visible students")
@paginate(BoundedPagination)
def list_students(request: HttpRequest, filters: Query[StudentFilter]) -> QuerySet:
    return narrowed(
        students_for(actor(request)),
        unit__code=filters.school,
        school_class_id=filters.class_id,
        status=filters.status,
        q=filters.q,
        search=("name",),
        exact=lambda text: Q(pk__in=Student.objects.with_number(text).values("pk")),
    )


@router.get("/students/{student_id}", response={200: StudentOut, **ERRORS}, summary="One visible student")
def get_student(request: HttpRequest, student_id: StudentId) -> Student:
    return _student(actor(request), student_id)


@router.post(
    "/students",
    response={201: StudentCreatedOut, **ERRORS},
    summary="Enrol a student (with an account, and a parent matched by mobile number)",
)
def create_student(request: HttpRequest, payload: StudentCreateIn) -> tuple[int, Student]:
    user = actor(request)
    klass = get_visible_or_404(SchoolClass, user, pk=payload.class_id)
    fields = payload.model_dump(exclude={"class_id"}, exclude_none=True)
    fields["gender"] = payload.gender.value
    student, credentials = services.create_student(klass, actor=user, **fields)
    created = _student(user, student.pk)
    created.credentials = credentials_out(credentials)  # type: ignore[attr-defined]
    return 201, created


@router.patch(
    "/students/{student_id}",
    response={200: StudentOut, **ERRORS},
    summary="Correct a student, move them to another class, or change their status",
)
def update_student(request: HttpRequest, student_id: StudentId, payload: StudentPatchIn) -> Student:
    """Managers change anything; the head teacher of the student's class only `boarding`."""
    user = actor(request)
    student = _student(user, student_id)
    fields = payload.model_dump(exclude_unset=True)
    status = fields.pop("status", None)
    if isinstance(fields.get("gender"), Gender):
        fields["gender"] = fields["gender"].value
    with transaction.atomic():
        if fields or status is None:
            services.update_student(student, actor=user, **fields)
        if status is not None:
            services.set_student_status(student, StudentStatus(status).value, actor=user)
    return _student(user, student.pk)


class RevealedOut(Schema):
    field: str
    value: str = Field(..., description="The clear value; empty when the student has none.")


RevealField = Path[
    str,
    P(
        max_length=40,
        description="student_no, id_card, or guardian_phone:<parent user id>.",
        pattern=r"^(student_no|id_card|guardian_phone:\d{1,12})$",
    ),
]


@router.post(
    "/students/{student_id}/reveal/{field}",
    response={200: RevealedOut, **ERRORS},
    summary="Show one masked value of a student in clear (user managers of the school; audited)",
)
def reveal_student_field(request: HttpRequest, student_id: StudentId, field: RevealField) -> dict[str, str]:
    """Every call is recorded in the audit log (`privacy.revealed`), like the pages' "show"."""
    user = actor(request)
    return {"field": field, "value": privacy.reveal(field, _student(user, student_id), actor=user)}
