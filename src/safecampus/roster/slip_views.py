"""Login slips of an import batch as PDF or xlsx: for user managers of the school, audited.

`?class=<label>` limits a download to one class (a whole school's PDF has hundreds of pages).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safecampus.core import audit
from safecampus.core.roles import Perm
from safecampus.core.scoping import get_visible_or_404, require

from .importing import Credential, decrypt_credentials
from .models import ImportBatch
from .slips import children_by_parent, slips_pdf, slips_xlsx

Renderer = Callable[..., bytes]
FORMATS: dict[str, tuple[Renderer, str]] = {
    "pdf": (slips_pdf, "application/pdf"),
    "xlsx": (slips_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _download(request: HttpRequest, batch_id: int, fmt: str) -> HttpResponse:
    user = request.user
    batch = get_visible_or_404(ImportBatch.objects.select_related("unit"), user, pk=batch_id)
    require(user, Perm.MANAGE_USERS, batch.unit)
    credentials: list[Credential] = decrypt_credentials(batch.credentials_enc)
    wanted = request.GET.get("class", "")[:60]
    if wanted:
        credentials = [c for c in credentials if c.class_label == wanted]
    parents = [c.username for c in credentials if c.kind == "parent"]
    render, content_type = FORMATS[fmt]
    content = render(
        credentials, school_name=batch.unit.name, children=children_by_parent(user, batch.unit, parents)
    )
    with transaction.atomic():
        audit.record(
            user,
            "roster.slips_downloaded",
            batch,
            unit=batch.unit,
            after={"format": fmt, "accounts": len(credentials), "class": wanted},
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
