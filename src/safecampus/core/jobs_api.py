"""`/api/v1/jobs`: background documents for API clients (see `core.render_jobs`): start one,
poll its progress, follow `download_url` when it is ready (the same owner-only pages)."""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema

from . import render_jobs
from .api import ERRORS, MAX_ID, SafeText
from .job_views import MAX_PARAMS, MAX_VALUE, job_payload
from .job_views import job_file as file_of
from .places import unit_named

router = Router(tags=["jobs"])


class JobIn(Schema):
    kind: SafeText = Field(..., description="The kind of document, e.g. roster.slips, training.summary.")
    unit: SafeText = Field(..., description="Code of the unit the document is about.")
    params: dict[str, SafeText] = Field(default_factory=dict, description="The kind's own fields.")


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str  # queued, running, done, failed
    status_label: str
    progress: int  # percent
    error: str
    url: str
    download_url: str | None  # the page address (a signed-in browser)
    file_url: str | None  # the same file for API clients (Bearer token)


@router.post("", response={201: JobOut, **ERRORS}, summary="Prepare a document in the background")
def start_job(request: HttpRequest, body: JobIn) -> tuple[int, dict[str, Any]]:
    params = {k[:40]: v[:MAX_VALUE] for k, v in list(body.params.items())[:MAX_PARAMS]}
    params["unit"] = body.unit
    job = render_jobs.start(request.auth, body.kind, unit_named(body.unit), params)  # type: ignore[attr-defined]
    return 201, job_payload(job)


@router.get("/{job_id}", response={200: JobOut, **ERRORS}, summary="A document's progress")
def job_status(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    return job_payload(render_jobs.job_for(request.auth, job_id))  # type: ignore[attr-defined]


@router.get("/{job_id}/file", response={200: None, **ERRORS}, summary="A finished document")
def job_file(request: HttpRequest, job_id: int = Path(..., ge=1, le=MAX_ID)) -> HttpResponse:
    return file_of(request.auth, job_id)  # type: ignore[attr-defined]
