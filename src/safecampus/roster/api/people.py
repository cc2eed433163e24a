"""Staff posts and parents: `/api/v1/roster/staff`, `/api/v1/roster/parents` (with their reset codes)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from datetime import datetime
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, P, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from safecampus.accounts.models import User
from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, Id, SafeText
from safecampus.core.roles import Role

from .. import services
from ..models import Gender, StaffPost
from ..parent_reset import issue_parent_reset_code
from ..queries import parents_for, staff_posts_for
from .common import (
    CredentialOut,
    IdCard,
    Name,
    PersonRef,
    Phone,
    SchoolCode,
    SchoolRef,
    actor,
    credentials_out,
    narrowed,
    one_or_404,
    school_code,
    visible_school_or_404,
)

PostId = Path[int, P(ge=1, le=MAX_ID, description="Staff post id.")]
ParentId = Path[int, P(ge=1, le=MAX_ID, description="The parent's user id.")]
PostTitle = Annotated[SafeText, Field(max_length=40, description="校长, 班主任, 教师, 保安, 宿管, 食堂 …")]
Relation = Annotated[SafeText, Field(max_length=20)]


def _masked_phone(user: User) -> str:
    return user.phone_masked if user.phone_enc else ""


# --- staff -------------------------------------------------------------------------------


class StaffOut(Schema):
    id: int
    user_id: int
    name: str
    phone: str = Field(..., description="Masked mobile number.")
    post: str = Field(..., description="As the school writes it.")
    role: str
    role_label: str
    school: SchoolRef

    @staticmethod
    def resolve_name(obj: StaffPost) -> str:
        return obj.user.name

    @staticmethod
    def resolve_phone(obj: StaffPost) -> str:
        return _masked_phone(obj.user)

    @staticmethod
    def resolve_role_label(obj: StaffPost) -> str:
        return str(Role(obj.role).label) if obj.role in Role.values else obj.role

    @staticmethod
    def resolve_school(obj: StaffPost) -> SchoolRef:
        return obj.unit


class StaffCreatedOut(StaffOut):
    credentials: list[CredentialOut] = Field(
        ..., description="The initial password when a new account was made."
    )


class StaffFilter(Schema):
    school: SchoolCode | None = None
    role: Role | None = None
    q: SafeText | None = Field(None, description="Name or post contains this text.")


class StaffCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: SchoolCode
    name: Name
    phone: Phone
    post: PostTitle
    id_card: IdCard | None = None
    gender: Gender | None = None


class StaffPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    post: PostTitle | None = None
    name: Name | None = None
    phone: Phone | None = None


router = Router(tags=["roster"])


def _post(user: Any, post_id: int) -> StaffPost:
    return one_or_404(staff_posts_for(user), post_id)


@router.get("/staff", response={200: list[StaffOut], **ERRORS}, summary="List visible staff posts")
@paginate(BoundedPagination)
def list_staff(request: HttpRequest, filters: Query[StaffFilter]) -> QuerySet:
    return narrowed(
        staff_posts_for(actor(request)),
        unit__code=filters.school,
        role=filters.role,
        q=filters.q,
        search=("user__name", "post"),
    )


@router.get("/staff/{post_id}", response={200: StaffOut, **ERRORS}, summary="One visible staff post")
def get_staff(request: HttpRequest, post_id: PostId) -> StaffPost:
    return _post(actor(request), post_id)


@router.post(
    "/staff",
    response={201: StaffCreatedOut, **ERRORS},
    summary="Give a person a post at a school (account matched by mobile number)",
)
def create_staff(request: HttpRequest, payload: StaffCreateIn) -> tuple[int, StaffPost]:
    user = actor(request)
    school = visible_school_or_404(user, payload.school)
    fields = payload.model_dump(include={"id_card", "gender"}, exclude_none=True)
    if payload.gender is not None:
        fields["gender"] = payload.gender.value
    post, credentials = services.create_staff_post(
        school, actor=user, name=payload.name, phone=payload.phone, post=payload.post, **fields
    )
    created = _post(user, post.pk)
    created.credentials = credentials_out(credentials)  # type: ignore[attr-defined]
    return 201, created


@router.patch(
    "/staff/{post_id}",
    response={200: StaffOut, **ERRORS},
    summary="Rename a post, or correct the person's name or mobile number",
)
def update_staff(request: HttpRequest, post_id: PostId, payload: StaffPatchIn) -> StaffPost:
    user = actor(request)
    post = _post(user, post_id)
    services.update_staff_post(post, actor=user, **payload.model_dump(exclude_unset=True))
    return _post(user, post.pk)


# --- parents -----------------------------------------------------------------------------


class ParentChildOut(Schema):
    student_id: int
    name: str
    class_name: str
    relation: str


class ParentOut(Schema):
    id: int
    name: str
    phone: str = Field(..., description="Masked mobile number.")
    children: list[ParentChildOut] = Field(..., description="The children the viewer can see.")

    @staticmethod
    def resolve_phone(obj: User) -> str:
        return _masked_phone(obj)

    @staticmethod
    def resolve_children(obj: User) -> list[ParentChildOut]:
        return [
            ParentChildOut(
                student_id=g.student_id,
                name=g.student.name,
                class_name=str(g.student.school_class) if g.student.school_class_id else "",
                relation=g.relation,
            )
            for g in getattr(obj, "visible_children", [])
        ]


class ParentFilter(Schema):
    school: SchoolCode | None = None
    class_id: Id | None = None
    q: SafeText | None = Field(None, description="Name contains this text.")


class ParentPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    relation: Relation | None = None
    student_id: Id | None = Field(None, description="The child whose relation changes; default: every child.")


def _parent(user: Any, user_id: int) -> User:
    """404 alike for a missing user, a foreign parent and someone who is no visible child's parent."""
    return one_or_404(parents_for(user), user_id)


@router.get("/parents", response={200: list[ParentOut], **ERRORS}, summary="Parents of the visible children")
@paginate(BoundedPagination)
def list_parents(request: HttpRequest, filters: Query[ParentFilter]) -> QuerySet:
    qs = parents_for(
        actor(request),
        school=school_code(filters.school) if filters.school else None,
        class_id=filters.class_id,
    )
    return narrowed(qs, q=filters.q, search=("name",))


@router.get("/parents/{user_id}", response={200: ParentOut, **ERRORS}, summary="One visible parent")
def get_parent(request: HttpRequest, user_id: ParentId) -> User:
    return _parent(actor(request), user_id)


@router.patch(
    "/parents/{user_id}", response={200: ParentOut, **ERRORS}, summary="Correct a parent's name or relation"
)
def update_parent(request: HttpRequest, user_id: ParentId, payload: ParentPatchIn) -> User:
    user = actor(request)
    parent = _parent(user, user_id)
    services.update_guardian(parent, actor=user, **payload.model_dump(exclude_unset=True))
    return _parent(user, parent.pk)


class ResetCodeOut(Schema):
    code: str = Field(
        ..., description="Single-use code for the public reset page; shown only in this answer."
    )
    expires_at: datetime
    parent: PersonRef
    student: PersonRef = Field(..., description="The child through whom the code was issued.")
    school: SchoolRef


@router.post(
    "/parents/{user_id}/reset-code",
    response={201: ResetCodeOut, **ERRORS},
    summary="Give a parent a single-use password reset code (head teacher of a child's class, school admin)",
)
def issue_reset_code(request: HttpRequest, user_id: ParentId) -> tuple[int, ResetCodeOut]:
    """The parent enters their mobile number, this code and a new password at
    `/accounts/parent-reset/`. Valid 24 hours (`PARENT_RESET_CODE_HOURS`); a newer code replaces
    it. 404 for a parent of no child the caller sees; 403 for a caller who sees the child but
    neither heads its class nor manages its school; 400 for an account that is more than a
    parent's."""
    user = actor(request)
    issued = issue_parent_reset_code(_parent(user, user_id), actor=user)
    student = issued.student
    return 201, ResetCodeOut(
        code=issued.code,
        expires_at=issued.expires_at,
        parent=PersonRef(id=issued.parent.pk, name=issued.parent.name),
        student=PersonRef(id=student.pk, name=student.name),
        school=SchoolRef(id=student.unit.pk, code=student.unit.code, name=student.unit.name),
    )
