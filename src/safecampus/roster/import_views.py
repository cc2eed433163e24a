"""Import pages: upload, preview with every problem, apply with a progress bar, downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safecampus.core.errors import DomainError
from safecampus.core.models import Unit
from safecampus.core.scoping import get_visible_or_404

from . import batches
from .forms import ApplyForm, ImportForm
from .models import ImportBatch, ImportKind, ImportStatus
from .reports import XLSX_TYPE, credentials_workbook, template_workbook

ERRORS_PER_PAGE = 100


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def roster_crumbs(school: Unit, *extra: dict) -> list[dict]:
    return [
        {"label": _("Roster"), "url": reverse("roster:home")},
        {"label": school.name, "url": reverse("roster:class_list", args=[school.pk])},
        *extra,
    ]


def _school_for_import(request: HttpRequest, unit_id: int) -> Unit:
    school = get_visible_or_404(Unit, request.user, pk=unit_id)
    if not batches.can_import(request.user, school):
        raise PermissionDenied
    return school


@login_required
def import_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    user = request.user
    school = _school_for_import(request, unit_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = batches.create_batch(
                school, actor=user, kind=form.cleaned_data["kind"], data=upload.read(), file_name=upload.name
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", str(exc.message))
        else:
            return redirect("roster:batch_detail", batch_id=batch.pk)
    recent = ImportBatch.objects.visible_to(user).filter(unit=school).select_related("created_by")[:10]
    return render(
        request,
        "roster/import.html",
        {
            "school": school,
            "form": form,
            "recent": recent,
            "breadcrumbs": roster_crumbs(school, {"label": _("Import")}),
        },
    )


def _template(kind: str, filename: str) -> HttpResponse:
    return xlsx_response(template_workbook(kind), filename)


@login_required
def template_students(request: HttpRequest) -> HttpResponse:
    return _template(ImportKind.STUDENTS, _("student-template") + ".xlsx")


@login_required
def template_staff(request: HttpRequest) -> HttpResponse:
    return _template(ImportKind.STAFF, _("staff-template") + ".xlsx")


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = request.user
    batch = batches.get_batch_for(user, batch_id)
    result = batch.result or {}
    errors = Paginator(result.get("errors", []), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    done, total = batches.progress_of(batch)
    return render(
        request,
        "roster/batch.html",
        {
            "batch": batch,
            "school": batch.unit,
            "result": result,
            "page": errors,
            "counts": result.get("counts", {}),
            "outcome": result.get("outcome"),
            "new_classes": result.get("new_classes", []),
            "more_errors": result.get("error_count", 0) - len(result.get("errors", [])),
            "apply_form": ApplyForm() if batch.status == ImportStatus.VALIDATED else None,
            "done": done,
            "total": total,
            "percent": int(100 * done / total) if total else 0,
            "can_download_credentials": batches.can_download_credentials(user, batch),
            "breadcrumbs": roster_crumbs(
                batch.unit,
                {"label": _("Import"), "url": reverse("roster:import", args=[batch.unit.pk])},
                {"label": batch.file_name},
            ),
        },
    )


@login_required
@require_POST
def batch_apply(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batches.get_batch_for(request.user, batch_id)
    form = ApplyForm(request.POST)
    confirmed = form.is_valid() and form.cleaned_data["confirm_new_classes"]
    try:
        batches.start_apply(batch, actor=request.user, confirm_new_classes=confirmed)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("roster:batch_detail", batch_id=batch.pk)


@login_required
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Polled by htmx every second while the batch runs; when it ends, the page reloads."""
    batch = batches.get_batch_for(request.user, batch_id)
    done, total = batches.progress_of(batch)
    response = render(
        request,
        "roster/_progress.html",
        {"batch": batch, "done": done, "total": total, "percent": int(100 * done / total) if total else 0},
    )
    if batch.status != ImportStatus.RUNNING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
def batch_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batches.get_batch_for(request.user, batch_id)
    try:
        content = batches.error_report_for_download(batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("roster:batch_detail", batch_id=batch.pk)
    return xlsx_response(content, _("errors-%(id)d") % {"id": batch.pk} + ".xlsx")


@login_required
def batch_accounts(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = batches.credentials_batch_for(request.user, batch_id)
    try:
        credentials = batches.credentials_for_download(batch, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("roster:batch_detail", batch_id=batch.pk)
    title = f"{batch.unit.name} · {batch.file_name}"
    return xlsx_response(
        credentials_workbook(credentials, title), _("accounts-%(id)d") % {"id": batch.pk} + ".xlsx"
    )
