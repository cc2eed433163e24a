"""Pages of background documents: start one (POST), follow its progress, download it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from . import render_jobs
from .errors import DomainError
from .excel import attachment
from .job_models import JobStatus, RenderJob
from .places import unit_named

MAX_PARAMS, MAX_VALUE = 10, 100


def job_payload(job: RenderJob) -> dict:
    done = job.status == JobStatus.DONE
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "error": job.error,
        "url": reverse("core:job", args=[job.pk]),
        "download_url": reverse("core:job_download", args=[job.pk]) if done else None,
        "file_url": f"/api/v1/jobs/{job.pk}/file" if done else None,
    }


@login_required
@require_POST
def job_start(request: HttpRequest) -> HttpResponse:
    """Start a job from a form: `kind`, `unit` (a code) and the kind's own fields."""
    kind = request.POST.get("kind", "")[:40]
    unit = unit_named(request.POST.get("unit", ""))
    params = {
        k: v[:MAX_VALUE]
        for k, v in list(request.POST.items())[: MAX_PARAMS + 3]
        if k not in ("kind", "csrfmiddlewaretoken")
    }
    try:
        job = render_jobs.start(request.user, kind, unit, params)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("core:jobs")
    return redirect("core:job", job.pk)


@login_required
@require_safe
@never_cache
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = render_jobs.job_for(request.user, job_id)
    ctx = {"job": job, "keep_hours": render_jobs.KEEP_HOURS}
    if request.GET.get("fragment") and request.headers.get("HX-Request"):
        return render(request, "core/_job_progress.html", ctx)
    return render(request, "core/job.html", ctx)


@login_required
@require_safe
@never_cache
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    return JsonResponse(job_payload(render_jobs.job_for(request.user, job_id)))


@login_required
@require_safe
@never_cache
def jobs_list(request: HttpRequest) -> HttpResponse:
    ctx = {"jobs": render_jobs.recent_for(request.user), "keep_hours": render_jobs.KEEP_HOURS}
    return render(request, "core/jobs.html", ctx)


@login_required
@require_safe
@never_cache
def job_download(request: HttpRequest, job_id: int) -> FileResponse:
    return job_file(request.user, job_id)


def job_file(user: Any, job_id: int) -> FileResponse:
    """The finished file of the user's job, audited; 404 for anything else."""
    job = render_jobs.job_for(user, job_id)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    try:
        fh = job.file.open("rb")
    except OSError:
        raise Http404 from None
    render_jobs.downloaded(user, job)
    response = FileResponse(fh, content_type="application/pdf")
    response["Content-Disposition"] = attachment(job.filename or "document.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
