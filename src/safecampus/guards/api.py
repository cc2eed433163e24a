"""Security guards API, mounted at /api/v1/security.

`GET /staffing?unit=CODE` → `{"schools": [{"unit", "students", "required", "on_post",
"certified", "compliant"}]}` for a school or every school below a bureau (the user's own unit
without `unit`); `GET /guards?unit=CODE&status=on_post|left&limit&offset` → `{"items", "count"}`
(a school's guards; ID-card number and mobile always masked); `GET /guards/{id}`;
`POST /guards` (`unit` and the guard's fields) → 201; `PATCH /guards/{id}` changes the fields
sent; `POST /guards/{id}/leave?on=YYYY-MM-DD` (today without `on`) and `/return`. Reading
needs `Perm.VIEW_SECURITY` (school managers, bureaus), writing `Perm.MANAGE_SECURITY` at the
school; a unit or guard missing or not yours answers 404, bad input 400 `{"detail", "field"}`
and changes nothing.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, P, Path, Query, Router, Schema
from pydantic import ConfigDict

from safecampus.core.access import holds_at
from safecampus.core.api import ERRORS, MAX_ID, SafeText
from safecampus.core.errors import Invalid
from safecampus.core.places import default_place, unit_for

from . import queries, services
from .models import Employment, Guard, GuardStatus
from .services import MANAGE, VIEW
from .staffing import staffing_for_schools

router = Router(tags=["guards"])

GuardId = Path[int, P(ge=1, le=MAX_ID, description="Guard id.")]
MAX_LIMIT = 500
Short = Annotated[SafeText, Field(max_length=120)]


class StaffingOut(Schema):
    unit: str = Field(description="The school's code.")
    students: int
    required: int
    on_post: int
    certified: int
    compliant: bool


class StaffingPage(Schema):
    schools: list[StaffingOut]


class GuardOut(Schema):
    id: int
    unit: str
    name: str
    id_number: str = Field(description="Masked.")
    phone: str = Field(description="Masked.")
    birth_date: dt.date | None
    age: int | None
    employment: str = Field(description=" | ".join(Employment.values))
    company: str
    full_time: bool
    status: str = Field(description=" | ".join(GuardStatus.values))
    certificate_no: str
    certificate_expires: dt.date | None
    certified: bool
    expiring: bool
    untrained: bool
    over_age: bool
    training_hours: float = Field(description="This calendar year, from the training module.")
    user: int | None


class GuardPage(Schema):
    items: list[GuardOut]
    count: int


class GuardIn(Schema):
    # Every field optional in the schema: a unit or guard not yours answers 404 before the body is
    # judged; the service then names every missing or wrong field (400).
    model_config = ConfigDict(extra="forbid")

    unit: Short | None = Field(None, description="The school's code (create only).")
    name: Short | None = None
    id_number: Annotated[SafeText, Field(max_length=40)] | None = None
    phone: Annotated[SafeText, Field(max_length=40)] | None = None
    birth_date: dt.date | None = None
    employment: Annotated[SafeText, Field(max_length=20)] | None = None
    company: int | None = Field(None, ge=1, le=MAX_ID, description="A security company id of the school.")
    full_time: bool | None = None
    certificate_no: Annotated[SafeText, Field(max_length=60)] | None = None
    certificate_expires: dt.date | None = None
    user: int | None = Field(
        None, ge=1, le=MAX_ID, description="The guard's account (a member of the school)."
    )
    started_on: dt.date | None = None
    note: Annotated[SafeText, Field(max_length=1000)] | None = None


def guard_out(g: Guard) -> dict[str, Any]:
    flags = g.flags
    return {
        "id": g.pk,
        "unit": g.unit.code,
        "name": g.name,
        "id_number": g.id_number_masked if g.id_number_enc else "",
        "phone": g.phone_masked if g.phone_enc else "",
        "birth_date": g.birth_date,
        "age": flags.age,
        "employment": g.employment,
        "company": g.company.name if g.company_id else "",
        "full_time": g.full_time,
        "status": g.status,
        "certificate_no": g.certificate_no,
        "certificate_expires": g.certificate_expires,
        "certified": flags.certified,
        "expiring": flags.expiring,
        "untrained": flags.untrained,
        "over_age": flags.over_age,
        "training_hours": flags.hours,
        "user": g.user_id,
    }


def _one(guard: Guard) -> dict[str, Any]:
    queries.flag_guards([guard], guard.unit)
    return guard_out(guard)


def _data(payload: Schema) -> dict[str, Any]:
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if k != "unit"}


def _page_param(value: int | None, default: int, field: str, top: int) -> int:
    if value is None:
        return default
    if not 0 <= value <= top or (field == "limit" and value < 1):
        raise Invalid(
            _("Ensure this value is between %(a)s and %(b)s.")
            % {"a": 1 if field == "limit" else 0, "b": top},
            field=field,
        )
    return value


@router.get("/staffing", response={200: StaffingPage, **ERRORS}, summary="Guard staffing of schools")
def staffing(request: HttpRequest, unit: Query[SafeText | None] = None) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    place = unit_for(user, VIEW, code=unit) if unit else default_place(user, VIEW, highest=False).unit
    found = staffing_for_schools(queries.schools_under(place))
    return {"schools": [s.as_json() for s in sorted(found.values(), key=lambda s: s.unit.path)]}


@router.get("/guards", response={200: GuardPage, **ERRORS}, summary="List a school's guards")
def list_guards(
    request: HttpRequest,
    unit: Query[SafeText | None] = None,
    status: Query[SafeText | None] = None,
    limit: Query[int | None] = None,
    offset: Query[int | None] = None,
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    school = unit_for(user, VIEW, code=unit, school=True) if unit else default_place(user, VIEW).unit
    if school.is_bureau:
        raise Invalid(_("Name a school with `unit`."), field="unit")
    if status not in (None, "") and status not in GuardStatus.values:
        raise Invalid(_("Choose a status: on_post or left."), field="status")
    size = _page_param(limit, 100, "limit", MAX_LIMIT)
    start = _page_param(offset, 0, "offset", 10**9)
    qs = queries.guards_of(user, school).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    qs = qs.order_by("status", "name", "id")
    rows = list(qs[start : start + size])
    queries.flag_guards(rows, school, timezone.localdate())
    return {"items": [guard_out(g) for g in rows], "count": qs.count()}


@router.get("/guards/{guard_id}", response={200: GuardOut, **ERRORS}, summary="Read a guard")
def read_guard(request: HttpRequest, guard_id: GuardId) -> dict[str, Any]:
    return _one(queries.get_guard_for(request.auth, guard_id))  # type: ignore[attr-defined]


@router.post("/guards", response={201: GuardOut, **ERRORS}, summary="Register a guard")
def create_guard(request: HttpRequest, payload: GuardIn) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if not payload.unit:
        raise Invalid(_("Name the school with `unit`."), field="unit")
    school = unit_for(user, VIEW, code=payload.unit, school=True)
    if not holds_at(user, MANAGE, school):
        raise PermissionDenied
    guard = services.add_guard(school, actor=user, data=_data(payload))
    return 201, _one(queries.get_guard_for(user, guard.pk))


@router.patch("/guards/{guard_id}", response={200: GuardOut, **ERRORS}, summary="Change a guard")
def update_guard(request: HttpRequest, guard_id: GuardId, payload: GuardIn) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    guard = queries.get_guard_for(user, guard_id)
    if payload.unit not in (None, guard.unit.code):
        raise Invalid(_("A guard cannot move to another school here."), field="unit")
    services.edit_guard(guard, actor=user, data=_data(payload))
    return _one(queries.get_guard_for(user, guard_id))


def _move(request: HttpRequest, guard_id: int, action: str, on: dt.date | None) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    guard = queries.get_guard_for(user, guard_id)
    services.move_guard(guard, action, actor=user, on=on)
    return _one(queries.get_guard_for(user, guard_id))


@router.post("/guards/{guard_id}/leave", response={200: GuardOut, **ERRORS}, summary="Mark a guard left")
def guard_leaves(request: HttpRequest, guard_id: GuardId, on: Query[dt.date | None] = None) -> dict[str, Any]:
    return _move(request, guard_id, "leave", on)


@router.post(
    "/guards/{guard_id}/return", response={200: GuardOut, **ERRORS}, summary="Put a guard on post again"
)
def guard_returns(request: HttpRequest, guard_id: GuardId) -> dict[str, Any]:
    return _move(request, guard_id, "return", None)
