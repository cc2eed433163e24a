"""Spreadsheet import as an upload: `POST /api/v1/roster/imports`.

The answer is the CLI's JSON, `{"ok", "created", "updated", "unchanged", "errors": [{"row",
"column", "message"}]}`: 200 when the file was accepted (and, unless a dry run, applied), 422
when it was rejected — then nothing was written. The import runs as the signed-in user (their
permission at the school), not as the operator.
"""

# No `from __future__ import annotations`: ninja reads these annotations at runtime.
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, UploadedFile

from safecampus.core.api import ERRORS, ValidationErrorOut

from ..files import MAX_BYTES
from ..models import ImportKind
from ..runner import rejected, run_import_bytes
from .common import SchoolCode, actor, visible_school_or_404


class ImportErrorOut(Schema):
    row: int = Field(..., description="Spreadsheet row as Excel shows it; 0 for the file as a whole.")
    column: str
    message: str


class ImportResultOut(Schema):
    ok: bool
    created: int
    updated: int
    unchanged: int
    errors: list[ImportErrorOut]


router = Router(tags=["roster"])


@router.post(
    "/imports",
    response={**ERRORS, 200: ImportResultOut, 422: ImportResultOut | ValidationErrorOut},
    summary="Import students with parents, or staff, from an .xlsx or .csv file",
)
def import_file(
    request: HttpRequest,
    school: Form[SchoolCode],
    kind: Form[ImportKind],
    file: File[UploadedFile],
    dry_run: Form[bool] = False,
) -> tuple[int, dict]:
    """Validates the whole file first; applies it all or nothing. At most 50 MB."""
    user = actor(request)
    unit = visible_school_or_404(user, school)
    if file.size is None or file.size > MAX_BYTES:
        return 422, rejected(_("The file is larger than 50 MB."))
    result = run_import_bytes(
        unit, file.read(), kind=kind.value, dry_run=dry_run, actor=user, file_name=(file.name or "")[:255]
    )
    return (200 if result["ok"] else 422), result
