"""Login slips of an import batch as PDF or xlsx: for whoever may download the batch's initial
passwords (`batches.can_download_credentials`: its creator or a user manager of the school;
anyone else gets 404), audited.

`?class=<label>` limits a download to one class (a whole school's PDF has hundreds of pages).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import batches
from .slips import children_by_parent, slips_pdf, slips_xlsx

Renderer = Callable[..., bytes]
FORMATS: dict[str, tuple[Renderer, str]] = {
    "pdf": (slips_pdf, "application/pdf"),
    "xlsx": (slips_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _download(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponse:
    user = request.user
    batch = batches.credentials_batch_for(user, batch_id)
    wanted = request.GET.get("class", "")[:60]
    credentials = batches.credentials_for_download(batch, actor=user, class_label=wanted, slips=fmt)
    parents = [c.username for c in credentials if c.kind == "parent"]
    render, content_type = FORMATS[fmt]
    content = render(
        credentials, school_name=batch.unit.name, children=children_by_parent(user, batch.unit, parents)
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="login-slips-{batch.pk}.{fmt}"'
    return response


@login_required
@never_cache
@require_GET
def slips_pdf_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _download(request, batch_id, "pdf")


@login_required
@never_cache
@require_GET
def slips_xlsx_view(request: HttpRequest, batch_id: int) -> HttpResponse:
    return _download(request, batch_id, "xlsx")
