"""Check tasks in the inspections API (routes on `checks.api.router`, `/api/v1/inspections`).

`GET /tasks?mine=true&status=open|done|missed&date=YYYY-MM-DD` lists the tasks the caller reads
on a day (today by default; `mine`: their post's and those naming them; `{"items", "count"}`,
`limit` up to 500). `GET /tasks/{id}` reads one task with its checklist items (each with the open
hazard an earlier check of the same item raised), and its answers and hazards once done.
`POST /tasks/{id}/submit` records the check: `{"client_id", "answers": [{"item", "result",
"value", "note", "photos"}]}` → `200` the task, `"status": "done"`, `"hazards"` the ids raised;
the same client id again → `200` the same task; bad input → `400 {"detail", "field"}`, nothing
written; another school's task → `404`; already done from another device → `409`.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, P, Path, Query, Schema
from ninja.pagination import paginate

from safecampus.core.api import ERRORS, MAX_ID, BoundedPagination, SafeText

from . import task_queries as queries
from .api import _number, item_out, router
from .generate import ensure_for_user
from .models import Task, TaskStatus
from .submit import submit

TaskId = Path[int, P(ge=1, le=MAX_ID, description="Check task id.")]


class TaskFilter(Schema):
    mine: bool = Field(False, description="Only my tasks: my post's and those naming me.")
    status: TaskStatus | None = Field(None, description="open | done | missed")
    date: dt.date | None = Field(None, description="The day (YYYY-MM-DD); today when omitted.")


class TaskSummaryOut(Schema):
    id: int
    title: str
    schedule: int
    unit: int
    unit_name: str
    day: dt.date
    opens_at: dt.datetime
    due_at: dt.datetime
    closes_at: dt.datetime
    status: str = Field(description="open | done | missed")
    overdue: bool = Field(description="Open and past its due time.")
    on_time: bool | None
    done_at: dt.datetime | None
    done_by: str | None
    failed_items: int
    hazards_raised: int


class OpenHazardOut(Schema):
    id: int
    status: str
    task: int = Field(description="The earlier task whose answer raised it.")
    day: dt.date


class TaskItemOut(Schema):
    id: int
    key: str
    order: int
    text: str
    category: str
    kind: str = Field(description="pass_fail | number | text")
    min: float | None
    max: float | None
    unit: str
    photo_required_on_fail: bool
    guidance: str
    open_hazard: OpenHazardOut | None


class AnswerOut(Schema):
    item: int
    result: str
    value: float | str | None
    note: str
    photos: list[int]
    hazard: int | None


class TaskDetailOut(TaskSummaryOut):
    version: int
    items: list[TaskItemOut]
    answers: list[AnswerOut]
    hazards: list[int] = Field(description="Hazards raised by the failed items.")


class AnswerIn(Schema):
    item: Any = Field(None, description="Item id.")
    result: Any = Field(None, description="pass | fail | na")
    value: float | str | None = Field(None, description="The measured number, or the text seen.")
    note: Any = Field(None, description="Up to 500 characters.")
    photos: Any = Field(None, description="Check photo ids (POST /photos).")


class SubmitIn(Schema):
    client_id: SafeText | None = Field(None, description="A UUID made when the check page opened.")
    answers: list[AnswerIn] | None = Field(None, description="One answer per item of the checklist.")


def summary_out(t: Task, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": t.pk,
        "title": t.title,
        "schedule": t.schedule_id,
        "unit": t.unit_id,
        "unit_name": t.unit.name,
        "day": t.day,
        "opens_at": t.opens_at,
        "due_at": t.due_at,
        "closes_at": t.closes_at,
        "status": t.status,
        "overdue": queries.is_overdue(t, now),
        "on_time": t.on_time,
        "done_at": t.done_at,
        "done_by": t.done_by.name if t.done_by_id else None,
        "failed_items": t.failed_items,
        "hazards_raised": t.hazards_raised,
    }


def detail_out(task: Task) -> dict[str, Any]:
    items = queries.items_of(task)
    hazards_open = queries.open_hazards(task, items)
    answers = queries.answers_of(task) if task.status == TaskStatus.DONE else []
    return {
        **summary_out(task, timezone.now()),
        "version": task.version.number,
        "items": [{**item_out(i), "open_hazard": hazards_open.get(i.key)} for i in items],
        "answers": [
            {
                "item": a.item_id,
                "result": a.result,
                "value": _number(a.value_number) if a.value_number is not None else (a.value_text or None),
                "note": a.note,
                "photos": [p.pk for p in a.photos.all()],
                "hazard": a.hazard_id,
            }
            for a in answers
        ],
        "hazards": [a.hazard_id for a in answers if a.hazard_id],
    }


class _Lazy:
    def __init__(self, qs: Any) -> None:
        self.qs = qs
        self.now = timezone.now()

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [summary_out(t, self.now) for t in self.qs[key]]


@router.get("/tasks", response={200: list[TaskSummaryOut], **ERRORS}, summary="List check tasks")
@paginate(BoundedPagination)
def list_tasks(request: HttpRequest, filters: Query[TaskFilter]) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    day = filters.date or timezone.localdate()
    if day == timezone.localdate():
        ensure_for_user(user, day)
    return _Lazy(queries.tasks_for(user, day=day, mine=filters.mine, status=filters.status or ""))


@router.get("/tasks/{task_id}", response={200: TaskDetailOut, **ERRORS}, summary="Read a check task")
def read_task(request: HttpRequest, task_id: TaskId) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    return detail_out(queries.get_task_for(user, task_id))


@router.post("/tasks/{task_id}/submit", response={200: TaskDetailOut, **ERRORS}, summary="Submit a check")
def submit_task(request: HttpRequest, task_id: TaskId, body: SubmitIn = None) -> dict[str, Any]:  # type: ignore[assignment]
    user = request.auth  # type: ignore[attr-defined]
    task = queries.get_task_for(user, task_id)  # another school's task: 404 before the body
    body = body or SubmitIn()
    answers = [a.dict() for a in body.answers] if body.answers is not None else None
    return detail_out(submit(task, actor=user, client_id=body.client_id, answers=answers))
