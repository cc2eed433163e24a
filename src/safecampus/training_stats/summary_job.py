"""The training summary of a bureau's area (the county report) as a background PDF
(`core.render_jobs`), read with the same resolver and scope as the page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from safecampus.core.job_models import RenderJob
from safecampus.core.models import Unit
from safecampus.core.pdf import render_pdf
from safecampus.core.render_jobs import JobKind, Progress, register

from .pages import resolve_query

KIND = "training.summary"


def _allowed(user: Any, unit: Unit, params: dict[str, Any]) -> bool:
    ask = resolve_query(user, params)  # 404 for a place or scope the user may not read
    return ask.scope is not None and ask.place.unit.pk == unit.pk


def _title(unit: Unit, params: dict[str, Any]) -> str:
    return _("Training report of %(unit)s") % {"unit": unit.name}


def _build(job: RenderJob, progress: Progress) -> tuple[bytes, str]:
    from .summary_pdf import summary_context

    ask = resolve_query(job.owner, job.params)
    progress(10)
    context = summary_context(ask)
    progress(60)
    return render_pdf("stats/summary_pdf.html", context), f"training-report-{job.unit.code}.pdf"


def register_summary_job() -> None:
    register(JobKind(kind=KIND, title=_title, allowed=_allowed, build=_build))
