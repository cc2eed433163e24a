"""Risk points API, mounted at `/api/v1/risks/`.

`POST points` identifies and grades a point: `{"name", "location", "category", "method": "LEC",
"l", "e", "c"}` or `{"method": "LS", "likelihood", "severity"}`; the answer carries `score` and
`level` (major | high | moderate | low). Reads are scoped like everywhere (bureaus see the points
their schools report upward); writes go through `risks.services`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import math
from typing import Annotated, Any, Literal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator, ConfigDict

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, Id, SafeText
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import get_visible_or_404, has_perm_at, school_for

from . import queries, services
from .models import Category, ControlLevel, Level, Method, RiskPoint, Status

router = Router(tags=["risks"])

PointId = Path[int, P(ge=1, le=MAX_ID, description="Risk point id.")]


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError(_("Enter a finite number."))
    return value


Factor = Annotated[float, Field(ge=0, le=1000), AfterValidator(_finite)]
Matrix = Annotated[int, Field(ge=1, le=10)]
ShortText = Annotated[SafeText, Field(max_length=200)]
LongText = Annotated[SafeText, Field(max_length=1000)]


class PointOut(Schema):
    id: int
    unit: int
    unit_name: str
    name: str
    name_en: str
    location: str
    building: str
    floor: str
    room: str
    outdoor_area: str
    category: str
    hazard_factors: str
    consequences: str
    controls: str
    emergency_measures: str
    responsible_post: str
    responsible_person: int | None
    control_level: str
    method: str = Field(description="LEC | LS")
    l: float | None = None  # noqa: E741
    e: float | None = None
    c: float | None = None
    likelihood: int | None = None
    severity: int | None = None
    score: float = Field(description="D = L × E × C, or R = L × S")
    level: str = Field(description="major | high | moderate | low")
    colour: str = Field(description="red | orange | yellow | blue")
    status: str = Field(description="draft | confirmed | retired")
    policy_version: str
    review_date: str | None
    has_control_plan: bool

    @staticmethod
    def resolve_unit(obj: RiskPoint) -> int:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj: RiskPoint) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_responsible_person(obj: RiskPoint) -> int | None:
        return obj.responsible_person_id

    @staticmethod
    def resolve_l(obj: RiskPoint) -> float | None:
        return obj.factors().get("l")

    @staticmethod
    def resolve_e(obj: RiskPoint) -> float | None:
        return obj.factors().get("e")

    @staticmethod
    def resolve_c(obj: RiskPoint) -> float | None:
        return obj.factors().get("c")

    @staticmethod
    def resolve_likelihood(obj: RiskPoint) -> int | None:
        return obj.ls_likelihood

    @staticmethod
    def resolve_severity(obj: RiskPoint) -> int | None:
        return obj.ls_severity

    @staticmethod
    def resolve_score(obj: RiskPoint) -> float:
        return float(obj.score)

    @staticmethod
    def resolve_review_date(obj: RiskPoint) -> str | None:
        return obj.review_date.isoformat() if obj.review_date else None

    @staticmethod
    def resolve_has_control_plan(obj: RiskPoint) -> bool:
        return hasattr(obj, "control_plan")


class PointIn(Schema):
    model_config = ConfigDict(extra="forbid")

    unit: Id | None = Field(
        None, description="School id; may be left out when you manage risks at one school."
    )
    name: Annotated[SafeText, Field(min_length=1, max_length=120)]
    name_en: Annotated[SafeText, Field(max_length=160)] | None = None
    location: ShortText = Field(description="Where: building, floor and room, or an outdoor area.")
    building: Annotated[SafeText, Field(max_length=60)] | None = None
    floor: Annotated[SafeText, Field(max_length=20)] | None = None
    room: Annotated[SafeText, Field(max_length=60)] | None = None
    outdoor_area: Annotated[SafeText, Field(max_length=60)] | None = None
    category: Category
    hazard_factors: LongText | None = None
    consequences: LongText | None = None
    controls: LongText | None = None
    emergency_measures: LongText | None = None
    responsible_post: Annotated[SafeText, Field(max_length=40)] | None = None
    responsible_person: Id | None = None
    control_level: ControlLevel | None = None
    method: Method
    l: Factor | None = Field(  # noqa: E741
        None, description="LEC likelihood: 10, 6, 3, 1, 0.5, 0.2 or 0.1 (default policy)"
    )
    e: Factor | None = Field(None, description="LEC exposure: 10, 6, 3, 2, 1 or 0.5")
    c: Factor | None = Field(None, description="LEC consequence: 100, 40, 15, 7, 3 or 1")
    likelihood: Matrix | None = Field(None, description="LS likelihood 1–5")
    severity: Matrix | None = Field(None, description="LS severity 1–5")


class PointPatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[SafeText, Field(min_length=1, max_length=120)] | None = None
    name_en: Annotated[SafeText, Field(max_length=160)] | None = None
    location: ShortText | None = None
    building: Annotated[SafeText, Field(max_length=60)] | None = None
    floor: Annotated[SafeText, Field(max_length=20)] | None = None
    room: Annotated[SafeText, Field(max_length=60)] | None = None
    outdoor_area: Annotated[SafeText, Field(max_length=60)] | None = None
    category: Category | None = None
    hazard_factors: LongText | None = None
    consequences: LongText | None = None
    controls: LongText | None = None
    emergency_measures: LongText | None = None
    responsible_post: Annotated[SafeText, Field(max_length=40)] | None = None
    responsible_person: Id | None = None
    control_level: ControlLevel | None = None
    method: Method | None = Field(None, description="With the factors: grade the point again.")
    l: Factor | None = None  # noqa: E741
    e: Factor | None = None
    c: Factor | None = None
    likelihood: Matrix | None = None
    severity: Matrix | None = None
    status: Literal["confirm", "retire", "reopen"] | None = Field(None, description="A status action.")


class PointFilter(Schema):
    unit: Id | None = Field(None, description="Only points of this unit's subtree.")
    level: Level | None = None
    status: Status | None = None
    category: Category | None = None
    q: Annotated[SafeText, Field(max_length=60)] | None = Field(
        None, description="Name or location contains."
    )


def point_out(point: RiskPoint) -> RiskPoint:
    """A point as `PointOut` reads it (the schema's resolvers fill in the derived fields)."""
    return point


def _factors(payload: Any) -> dict[str, Any]:
    return {k: getattr(payload, k) for k in ("l", "e", "c", "likelihood", "severity")}


FIELDS = (
    "name", "name_en", "location", "building", "floor", "room", "outdoor_area", "hazard_factors",
    "consequences", "controls", "emergency_measures", "responsible_post", "responsible_person",
)  # fmt: skip


@router.get("/points", response={200: list[PointOut], **ERRORS}, summary="List visible risk points")
@paginate(BoundedPagination)
def list_points(request: HttpRequest, filters: Query[PointFilter]) -> QuerySet:
    user = request.auth  # type: ignore[attr-defined]
    qs = RiskPoint.objects.visible_to(user).select_related("unit", "control_plan")
    if filters.unit is not None:
        unit = get_visible_or_404(Unit, user, pk=filters.unit)  # another tenant's unit: 404, as for hazards
        qs = qs.filter(unit_path__startswith=unit.path)
    if filters.level is not None:
        qs = qs.filter(level=filters.level.value)
    if filters.status is not None:
        qs = qs.filter(status=filters.status.value)
    if filters.category is not None:
        qs = qs.filter(category=filters.category.value)
    if filters.q:
        qs = queries.Filters(q=filters.q.strip()).apply(qs)
    return qs.order_by("unit_path", "-score", "pk")


@router.post("/points", response={201: PointOut, **ERRORS}, summary="Identify and grade a risk point")
def create_point(request: HttpRequest, payload: PointIn) -> tuple[int, RiskPoint]:
    user = request.auth  # type: ignore[attr-defined]
    unit = school_for(user, Perm.MANAGE_RISKS, payload.unit, _("Choose a school where you manage risks."))
    fields = {k: getattr(payload, k) for k in FIELDS if getattr(payload, k) is not None}
    fields["category"] = payload.category.value
    if payload.control_level is not None:
        fields["control_level"] = payload.control_level.value
    point = services.create_point(
        unit, actor=user, method=payload.method.value, factors=_factors(payload), **fields
    )
    return 201, point_out(queries.point_for(user, point.pk))


@router.get("/points/{point_id}", response={200: PointOut, **ERRORS}, summary="One risk point")
def get_point(request: HttpRequest, point_id: PointId) -> RiskPoint:
    return point_out(queries.point_for(request.auth, point_id))  # type: ignore[attr-defined]


@router.patch(
    "/points/{point_id}", response={200: PointOut, **ERRORS}, summary="Edit, grade or confirm a point"
)
@transaction.atomic
def update_point(request: HttpRequest, point_id: PointId, payload: PointPatchIn) -> RiskPoint:
    """All of it or nothing: fields, then a new grading, then a status action."""
    user = request.auth  # type: ignore[attr-defined]
    point = queries.point_for(user, point_id)
    if not has_perm_at(user, Perm.MANAGE_RISKS, point.unit):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    data = payload.model_dump(exclude_unset=True)
    fields = {k: data[k] for k in FIELDS if k in data}
    for key in ("category", "control_level"):
        if data.get(key) is not None:
            fields[key] = getattr(data[key], "value", data[key])
    for key in FIELDS:
        if key in fields and fields[key] is None and key != "responsible_person":
            fields[key] = ""
    if fields:
        point = services.update_point(point, actor=user, **fields)
    if data.get("method") is not None:
        method = getattr(data["method"], "value", data["method"])
        point = services.grade_point(point, actor=user, method=method, factors=_factors(payload))
    if data.get("status"):
        point = services.change_status(point, data["status"], actor=user)
    return point_out(queries.point_for(user, point.pk))
