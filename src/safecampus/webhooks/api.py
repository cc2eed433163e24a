"""Outgoing webhooks API, mounted at `/api/v1/webhooks` (bureau administrators).

`POST /` `{"url", "events": [...], "description", "unit"}` adds an endpoint of the caller's bureau
(or the bureau `unit` below it) and answers `201 {"id", "secret"}` — the `whsec_…` secret is shown
this once; `GET /` lists the endpoints in the caller's subtree; `GET /{id}` one endpoint;
`GET /{id}/deliveries` its delivery log, newest first; `POST /{id}/rotate` a new secret (the old
one keeps signing for 24 hours); `POST /{id}/active` `{"active": bool}`; `GET /events` the event
types one can subscribe to. Deliveries carry the Standard Webhooks headers `webhook-id`,
`webhook-timestamp` and `webhook-signature`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, P, Path, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from safecampus.core import events
from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, SafeText
from safecampus.core.errors import Invalid
from safecampus.core.places import default_place, unit_for
from safecampus.core.roles import Perm

from . import services
from .models import Delivery, Endpoint

router = Router(tags=["webhooks"])

EndpointId = Path[int, P(ge=1, le=MAX_ID, description="Endpoint id.")]


class EndpointIn(Schema):
    model_config = ConfigDict(extra="forbid")

    url: SafeText | None = Field(None, max_length=500)
    events: list[SafeText] = Field([], max_length=50, description="Event types, see GET /webhooks/events.")
    description: SafeText = Field("", max_length=200)
    unit: SafeText | None = Field(None, max_length=64, description="Bureau code; default: your bureau.")


class EndpointOut(Schema):
    id: int
    unit: str
    url: str
    description: str
    events: list[str]
    active: bool
    created_at: dt.datetime
    rotated_at: dt.datetime | None


class EndpointCreated(Schema):
    id: int
    secret: str = Field(description="whsec_… — shown once; verify signatures with it.")


class SecretOut(Schema):
    secret: str


class ActiveIn(Schema):
    # Optional in the schema: an endpoint that is not yours answers 404 before the body is judged.
    model_config = ConfigDict(extra="forbid")

    active: bool | None = None


class DeliveryOut(Schema):
    id: int
    message_id: str
    event_type: str
    event_unit: str
    status: str = Field(description="pending | retrying | delivered | failed")
    attempts: int
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    next_attempt_at: dt.datetime | None
    delivered_at: dt.datetime | None


class EventTypeOut(Schema):
    type: str
    label: str


def endpoint_out(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "unit": endpoint.unit.code,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "active": endpoint.active,
        "created_at": endpoint.created_at,
        "rotated_at": endpoint.rotated_at,
    }


def endpoint_for(user: Any, endpoint_id: int) -> Endpoint:
    """404 alike for missing and not yours."""
    return get_object_or_404(Endpoint.objects.visible_to(user).select_related("unit"), pk=endpoint_id)


@router.get("/events", response={200: list[EventTypeOut], **ERRORS}, summary="List webhook event types")
def list_event_types(request: HttpRequest) -> list[dict[str, str]]:
    default_place(request.auth, Perm.MANAGE_WEBHOOKS)  # type: ignore[attr-defined]
    return [{"type": name, "label": str(label)} for name, label in events.types().items()]


@router.post("", response={201: EndpointCreated, **ERRORS}, summary="Add a webhook endpoint")
def create_endpoint(request: HttpRequest, payload: EndpointIn) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    if payload.unit:
        unit = unit_for(user, Perm.MANAGE_WEBHOOKS, code=payload.unit)
    else:
        unit = default_place(user, Perm.MANAGE_WEBHOOKS).unit
    data = {"url": payload.url, "events": payload.events, "description": payload.description}
    endpoint, secret = services.create_endpoint(unit, actor=user, data=data)
    return 201, {"id": endpoint.pk, "secret": secret}


@router.get("", response={200: list[EndpointOut], **ERRORS}, summary="List webhook endpoints")
@paginate(BoundedPagination)
def list_endpoints(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    default_place(user, Perm.MANAGE_WEBHOOKS)
    return [endpoint_out(e) for e in Endpoint.objects.visible_to(user).select_related("unit")]


@router.get("/{endpoint_id}", response={200: EndpointOut, **ERRORS}, summary="Read a webhook endpoint")
def read_endpoint(request: HttpRequest, endpoint_id: EndpointId) -> dict[str, Any]:
    return endpoint_out(endpoint_for(request.auth, endpoint_id))  # type: ignore[attr-defined]


@router.get(
    "/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="List an endpoint's deliveries",
)
@paginate(BoundedPagination)
def list_deliveries(request: HttpRequest, endpoint_id: EndpointId) -> Any:
    endpoint = endpoint_for(request.auth, endpoint_id)  # type: ignore[attr-defined]
    return Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")


@router.post("/{endpoint_id}/rotate", response={200: SecretOut, **ERRORS}, summary="Rotate a webhook secret")
def rotate_secret(request: HttpRequest, endpoint_id: EndpointId) -> dict[str, str]:
    user = request.auth  # type: ignore[attr-defined]
    return {"secret": services.rotate_secret(endpoint_for(user, endpoint_id), actor=user)}


@router.post(
    "/{endpoint_id}/active", response={200: EndpointOut, **ERRORS}, summary="Switch an endpoint on or off"
)
def set_active(request: HttpRequest, endpoint_id: EndpointId, payload: ActiveIn) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    endpoint = endpoint_for(user, endpoint_id)
    if payload.active is None:
        raise Invalid(_("Say whether the endpoint is on (true) or off (false)."), field="active")
    endpoint = services.set_active(endpoint, actor=user, active=payload.active)
    return endpoint_out(endpoint)
