"""Inspections API, mounted at `/api/v1/inspections`.

`GET /templates` lists the checklists the caller reads (their units' own and those published
from above; `{"items", "count"}`, `limit` up to 500); `GET /templates/{id}` reads one with its
current version's items, texts in the request's language. `POST /photos` (multipart `photo`,
optional `client_id` and `unit`) stores a photo taken during a check and answers `201 {"id"}`
(a retry with the same client id: `200` with the same id); a file that is not an image is
`400 {"detail", "field": "photo"}`. Only staff of a school upload. `GET /photos/{id}` reads one.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, P, Path, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, Id, SafeText

from . import photos as photo_service
from . import queries
from .models import ChecklistTemplate, Kind, TemplateItem

router = Router(tags=["inspections"])

TemplateId = Path[int, P(ge=1, le=MAX_ID, description="Checklist template id.")]
CheckPhotoId = Path[int, P(ge=1, le=MAX_ID, description="Check photo id.")]


class ChecklistItemOut(Schema):
    id: int
    key: str = Field(description="The same item from version to version.")
    order: int
    text: str = Field(description="In the request's language.")
    category: str
    kind: str = Field(description="pass_fail | number | text")
    min: float | None
    max: float | None
    unit: str
    photo_required_on_fail: bool
    guidance: str


class ChecklistSummaryOut(Schema):
    id: int
    code: str
    title: str
    kind: str = Field(description=" | ".join(Kind.values))
    status: str = Field(description="active | retired")
    unit: int
    unit_name: str
    published: bool
    copied_from: int | None
    version: int | None
    item_count: int


class ChecklistDetailOut(ChecklistSummaryOut):
    description: str
    items: list[ChecklistItemOut]


class ChecklistFilter(Schema):
    kind: Kind | None = None
    scope: str = Field(
        "all", pattern="^(all|own|above)$", description="all | own | above (published from above)"
    )
    retired: bool = Field(False, description="Include retired checklists.")
    q: SafeText | None = Field(None, max_length=60, description="Title or code contains this text.")


class CheckPhotoOut(Schema):
    id: int


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def item_out(item: TemplateItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "key": item.key,
        "order": item.order,
        "text": item.text,
        "category": item.category,
        "kind": item.answer_kind,
        "min": _number(item.min_value),
        "max": _number(item.max_value),
        "unit": item.value_unit,
        "photo_required_on_fail": item.photo_required_on_fail,
        "guidance": item.guidance,
    }


def summary_out(t: ChecklistTemplate) -> dict[str, Any]:
    count = getattr(t, "item_count", None)
    if count is None:
        count = t.current_version.items.count() if t.current_version_id else 0
    return {
        "id": t.pk,
        "code": t.code,
        "title": t.title,
        "kind": t.kind,
        "status": t.status,
        "unit": t.unit_id,
        "unit_name": t.unit.name,
        "published": t.published,
        "copied_from": t.copied_from_id,
        "version": t.current_version.number if t.current_version_id else None,
        "item_count": count,
    }


class _Lazy:
    """The paginator slices the queryset; only the page is turned into answers."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [summary_out(t) for t in self.qs[key]]


@router.get("/templates", response={200: list[ChecklistSummaryOut], **ERRORS}, summary="List checklists")
@paginate(BoundedPagination)
def list_templates(request: HttpRequest, filters: Query[ChecklistFilter]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    f = queries.LibraryFilter(
        kind=filters.kind or "",
        scope=filters.scope,
        retired=filters.retired,
        q=" ".join((filters.q or "").split()),
    )
    return _Lazy(queries.library(user, f))


@router.get(
    "/templates/{template_id}", response={200: ChecklistDetailOut, **ERRORS}, summary="Read a checklist"
)
def read_template(request: HttpRequest, template_id: TemplateId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    template = queries.get_template_for(user, template_id)
    items = list(template.current_version.items.order_by("order")) if template.current_version_id else []
    return {
        **summary_out(template),
        "item_count": len(items),
        "description": template.description,
        "items": [item_out(i) for i in items],
    }


@router.post(
    "/photos", response={200: CheckPhotoOut, 201: CheckPhotoOut, **ERRORS}, summary="Upload a check photo"
)
def upload_photo(
    request: HttpRequest,
    photo: File[UploadedFile] = None,  # type: ignore[assignment]  (a missing photo is a 400 with its field)
    client_id: Form[SafeText | None] = None,
    unit: Form[Id | None] = None,
) -> tuple[int, dict[str, Any]]:
    user = request.auth  # type: ignore[attr-defined]
    item, created = photo_service.upload(user, photo, unit_id=unit, client_id=client_id)
    return (201 if created else 200), {"id": item.pk}


@router.get("/photos/{check_photo_id}", response={200: None, **ERRORS}, summary="A check photo")
def read_photo(request: HttpRequest, check_photo_id: CheckPhotoId) -> HttpResponse:
    user = request.auth  # type: ignore[attr-defined]
    return photo_service.serve(request, queries.get_photo_for(user, check_photo_id))


from . import task_api  # noqa: E402, F401  (the task routes, on this router)
