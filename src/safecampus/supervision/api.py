"""Supervision API, mounted at `/api/v1/supervision`: the letters the caller may read
(`GET /letters`, filterable by status and kind) and one letter (`GET /letters/{id}`), scoped like
the pages (a bureau its area, a school's hazard managers their school; 404 alike otherwise)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from enum import Enum

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, P, Path, Query, Router, Schema
from ninja.pagination import paginate

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination

from . import queries
from .models import Letter, LetterKind, LetterStatus

router = Router(tags=["supervision"])

LetterId = Path[int, P(ge=1, le=MAX_ID, description="Letter id.")]

StatusEnum = Enum("StatusEnum", {v: v for v in LetterStatus.values}, type=str)
KindEnum = Enum("KindEnum", {v: v for v in LetterKind.values}, type=str)


class LetterOut(Schema):
    id: int
    number: str = Field(description="e.g. 〔2026〕交办第3号")
    kind: str = Field(description="assignment | reminder")
    status: str = Field(description="issued | replied | returned | closed")
    school_id: int = Field(alias="unit_id")
    school: str
    bureau_id: int
    bureau: str
    hazards: list[int]
    items: list[str]
    body: str
    deadline: dt.date
    issued_at: dt.datetime
    replied_at: dt.datetime | None
    reply_text: str

    @staticmethod
    def resolve_school(obj: Letter) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_bureau(obj: Letter) -> str:
        return obj.bureau.name

    @staticmethod
    def resolve_hazards(obj: Letter) -> list[int]:
        return sorted(h.pk for h in obj.hazards.all())


class LetterFilter(Schema):
    status: StatusEnum | None = None
    kind: KindEnum | None = None


@router.get("/letters", response={200: list[LetterOut], **ERRORS}, summary="List visible letters")
@paginate(BoundedPagination)
def list_letters(request: HttpRequest, filters: Query[LetterFilter]) -> QuerySet:
    qs = Letter.objects.visible_to(request.auth)  # type: ignore[attr-defined]
    if filters.status is not None:
        qs = qs.filter(status=filters.status.value)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind.value)
    return qs.select_related("unit", "bureau").prefetch_related("hazards").order_by("-issued_at", "-id")


@router.get("/letters/{letter_id}", response={200: LetterOut, **ERRORS}, summary="One letter")
def get_letter(request: HttpRequest, letter_id: LetterId) -> Letter:
    return queries.get_for(request.auth, Letter, letter_id)  # type: ignore[attr-defined]
