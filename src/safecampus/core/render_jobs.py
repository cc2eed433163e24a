"""Documents rendered in the background: a module registers a kind (who may ask for it, and how
to build it with progress), a user starts a job, a Huey worker renders it, the user follows the
progress on `/jobs/<id>/` and downloads the file when it is ready. Files are kept for
`KEEP_HOURS` and then deleted (a school's login slips hold initial passwords).

    render_jobs.register(JobKind(
        kind="roster.slips", title=lambda unit, params: _("Login slips") + " · " + unit.name,
        allowed=lambda user, unit, params: ..., build=lambda job, progress: (pdf_bytes, "slips.pdf"),
    ))
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import audit
from .errors import DomainError, Invalid
from .job_models import JOB_TRANSITIONS, JobStatus, RenderJob
from .models import Unit

log = logging.getLogger(__name__)
KEEP_HOURS = 24
Progress = Callable[[int], None]


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: Callable[[Unit, dict[str, Any]], str]
    allowed: Callable[[Any, Unit, dict[str, Any]], bool]
    build: Callable[[RenderJob, Progress], tuple[bytes, str]]


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.kind] = kind
    return kind


def kinds() -> dict[str, JobKind]:
    return dict(_KINDS)


def _move(job: RenderJob, status: str, **fields: Any) -> bool:
    """Move a job along the transition table (False when it is no longer in a state to)."""
    allowed_from = [s for s, targets in JOB_TRANSITIONS.items() if status in targets]
    return bool(RenderJob.objects.filter(pk=job.pk, status__in=allowed_from).update(status=status, **fields))


def start(user: Any, kind: str, unit: Unit, params: dict[str, Any] | None = None) -> RenderJob:
    """Queue a job: the kind's permission is checked, the request audited, the worker told once
    the transaction commits."""
    spec = _KINDS.get(kind)
    params = dict(params or {})
    if spec is None:
        raise Invalid(_("This document cannot be prepared."), field="kind")
    if not spec.allowed(user, unit, params):
        raise Http404
    with transaction.atomic():
        job = RenderJob.objects.create(
            owner=user,
            unit=unit,
            unit_path=unit.path,
            kind=kind,
            title=str(spec.title(unit, params))[:200],
            params=params,
            language=translation.get_language() or "zh-hans",
        )
        audit.record(user, "document.requested", job, unit=unit, after={"kind": kind, "params": params})
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from .tasks import render_job_task

    render_job_task(job_id)


def run(job_id: int) -> str:
    """Render one job (called by the worker); returns its final status."""
    job = RenderJob.objects.select_related("unit", "owner").filter(pk=job_id).first()
    if job is None or not _move(job, JobStatus.RUNNING, progress=0):
        return "skipped"
    spec = _KINDS.get(job.kind)

    def progress(percent: int) -> None:
        RenderJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
            progress=max(0, min(99, percent))
        )

    try:
        if spec is None:
            raise Invalid(_("This document cannot be prepared."))
        with translation.override(job.language):
            data, filename = spec.build(job, progress)
    except DomainError as exc:
        _move(job, JobStatus.FAILED, error=str(exc.message)[:300], finished_at=timezone.now())
        return JobStatus.FAILED
    except Exception:  # a worker must record a failure, whatever it is, and keep running
        log.exception("render job %s (%s) failed", job.pk, job.kind)
        with translation.override(job.language):
            message = _("The document could not be prepared. Please try again later.")
        _move(job, JobStatus.FAILED, error=message, finished_at=timezone.now())
        return JobStatus.FAILED
    job.file.save(f"{job.pk}-{filename}", ContentFile(data), save=False)
    if not _move(
        job, JobStatus.DONE, file=job.file.name, filename=filename, progress=100, finished_at=timezone.now()
    ):
        job.file.delete(save=False)
        return "skipped"
    return JobStatus.DONE


def job_for(user: Any, job_id: int) -> RenderJob:
    """The user's own job, or 404 (another user's job is "not found" like a missing one)."""
    job = RenderJob.objects.visible_to(user).filter(pk=job_id).select_related("unit").first()
    if job is None:
        raise Http404
    return job


def recent_for(user: Any, limit: int = 20) -> list[RenderJob]:
    return list(RenderJob.objects.visible_to(user).select_related("unit")[:limit])


def downloaded(user: Any, job: RenderJob) -> None:
    """Audit a download of a finished document."""
    with transaction.atomic():
        audit.record(user, "document.downloaded", job, unit=job.unit, after={"kind": job.kind})


def prune(now: dt.datetime | None = None) -> int:
    """Delete the files and rows of jobs older than `KEEP_HOURS`; stuck jobs are marked failed."""
    now = now or timezone.now()
    old = RenderJob.objects.filter(created_at__lt=now - dt.timedelta(hours=KEEP_HOURS))
    count = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    stuck = RenderJob.objects.filter(
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__lt=now - dt.timedelta(hours=1)
    )
    stuck.update(
        status=JobStatus.FAILED, error=_("The document could not be prepared. Please try again later.")
    )
    return count
