"""Org tree API: `/api/v1/org/units/` — read the visible tree, create and edit units.

Reads go through `Unit.objects.visible_to(user)` (404 alike for missing and not yours);
writes go through `core.services`, which check permissions and write the audit trail.
Shared API pieces (error schemas, safe text and id types) live here too, so the app
routers and the root API use the same ones.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Annotated, Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, Path, Query, Router, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AfterValidator, ConfigDict

from . import services
from .models import SchoolType, Unit, UnitKind
from .scoping import get_visible_or_404

# Largest id the databases take (signed 64-bit); larger numbers are input errors, not 500s.
MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1
MAX_TEXT = 1000


# ---------------------------------------------------------------------------------------
# Shared schemas and types
# ---------------------------------------------------------------------------------------


class ErrorOut(Schema):
    """Every error answer: a translated message, the field it concerns when known, and a code
    for errors a client must act on (`password_change_required`)."""

    detail: str
    field: str | None = None
    code: str | None = None


class ValidationItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[ValidationItem]


ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
}


def _safe_text(value: str) -> str:
    """Refuse text the databases cannot store (NUL, lone surrogates) with a clear message."""
    if "\x00" in value:
        raise ValueError(_("The text contains a NUL character."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The text is not valid Unicode.")) from None
    return value


SafeText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_safe_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
UnitId = Path[int, P(ge=1, le=MAX_ID, description="Unit id.")]


class BoundedPagination(LimitOffsetPagination):
    """Limit/offset pagination whose numbers stay within what the databases accept."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1, le=ninja_settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


# ---------------------------------------------------------------------------------------
# Unit schemas
# ---------------------------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    school_type: str
    address: str
    contact_name: str
    contact_phone: str
    is_active: bool
    parent_id: int | None
    depth: int


class UnitFilter(Schema):
    parent: Id | None = Field(None, description="Only the direct children of this unit.")
    kind: UnitKind | None = None
    code: SafeText | None = Field(None, description="Exact unit code.")
    q: SafeText | None = Field(None, description="Name or code contains this text.")


class UnitCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    parent: Id | None = Field(None, description="Parent unit id; empty for a new root (operators only).")
    code: SafeText
    name: SafeText
    kind: UnitKind
    school_type: SchoolType | None = None
    address: SafeText | None = None
    contact_name: SafeText | None = None
    contact_phone: SafeText | None = None


class UnitPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: SafeText | None = None
    school_type: SchoolType | None = None
    address: SafeText | None = None
    contact_name: SafeText | None = None
    contact_phone: SafeText | None = None


# ---------------------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------------------


def with_parent_id(qs: QuerySet) -> QuerySet:
    """Annotate each unit with its parent's id in the same query (no query per row)."""
    parent_path = Substr("path", 1, (F("depth") - 1) * Unit.steplen)
    parents = Unit.objects.filter(path=OuterRef("parent_path")).values("pk")[:1]
    return qs.annotate(parent_path=parent_path).annotate(parent_id=Subquery(parents))


def visible_unit_or_404(user: Any, unit_id: int) -> Unit:
    return get_visible_or_404(with_parent_id(Unit.objects.all()), user, pk=unit_id)


def _text_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, SchoolType) else v) for k, v in data.items()}


# ---------------------------------------------------------------------------------------
# Routes
# ---------------------------------------------------------------------------------------

router = Router(tags=["org"])


@router.get("/units/", response={200: list[UnitOut], **ERRORS}, summary="List visible units")
@paginate(BoundedPagination)
def list_units(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet:
    user = request.auth  # type: ignore[attr-defined]
    qs = Unit.objects.visible_to(user)
    if filters.parent is not None:
        parent = qs.filter(pk=filters.parent).first()
        if parent is None:
            return Unit.objects.none()
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind.value)
    if filters.code:
        qs = qs.filter(code=filters.code.strip().lower())
    if filters.q:
        term = filters.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(code__icontains=term))
    return with_parent_id(qs).order_by("path")


@router.get("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="One visible unit")
def get_unit(request: HttpRequest, unit_id: UnitId) -> Unit:
    return visible_unit_or_404(request.auth, unit_id)  # type: ignore[attr-defined]


@router.post("/units/", response={201: UnitOut, **ERRORS}, summary="Create a unit under a parent")
def create_unit(request: HttpRequest, payload: UnitCreateIn) -> tuple[int, Unit]:
    user = request.auth  # type: ignore[attr-defined]
    parent = visible_unit_or_404(user, payload.parent) if payload.parent is not None else None
    extra = _text_fields(
        payload.model_dump(
            include={"school_type", "address", "contact_name", "contact_phone"}, exclude_none=True
        )
    )
    unit = services.create_unit(
        parent, actor=user, code=payload.code, name=payload.name, kind=payload.kind.value, **extra
    )
    return 201, visible_unit_or_404(user, unit.pk)


@router.patch("/units/{unit_id}", response={200: UnitOut, **ERRORS}, summary="Edit a unit's details")
def update_unit(request: HttpRequest, unit_id: UnitId, payload: UnitPatchIn) -> Unit:
    user = request.auth  # type: ignore[attr-defined]
    unit = visible_unit_or_404(user, unit_id)
    services.update_unit(unit, actor=user, **_text_fields(payload.model_dump(exclude_unset=True)))
    return visible_unit_or_404(user, unit.pk)
