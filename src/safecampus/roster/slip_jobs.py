"""The login slips of a whole import (every class of a school) as a background PDF
(`core.render_jobs`): the same access and audit as the download route."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from safecampus.core.job_models import RenderJob
from safecampus.core.models import Unit
from safecampus.core.render_jobs import JobKind, Progress, register

from . import batches
from .slips import children_by_parent, slips_pdf

KIND = "roster.slips"


def _batch_id(params: dict[str, Any]) -> int:
    try:
        return int(params.get("batch", ""))
    except (TypeError, ValueError):
        raise Http404 from None


def _allowed(user: Any, unit: Unit, params: dict[str, Any]) -> bool:
    batch = batches.credentials_batch_for(user, _batch_id(params))  # 404 for anyone else
    return batch.unit_id == unit.pk


def _title(unit: Unit, params: dict[str, Any]) -> str:
    return _("Login slips of %(school)s (import %(batch)s)") % {
        "school": unit.name,
        "batch": params.get("batch"),
    }


def _build(job: RenderJob, progress: Progress) -> tuple[bytes, str]:
    batch = batches.credentials_batch_for(job.owner, _batch_id(job.params))
    credentials = batches.credentials_for_download(batch, actor=job.owner, slips="pdf")
    progress(5)
    parents = [c.username for c in credentials if c.kind == "parent"]
    children = children_by_parent(job.owner, batch.unit, parents)
    data = slips_pdf(credentials, school_name=batch.unit.name, children=children, progress=progress)
    return data, f"login-slips-{batch.pk}.pdf"


def register_slip_jobs() -> None:
    register(JobKind(kind=KIND, title=_title, allowed=_allowed, build=_build))
