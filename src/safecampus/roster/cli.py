"""`safecampus roster import`: one JSON object out, exit 0 when the file was accepted.

The CLI acts as the operator (the first active superuser); the work is `runner.run_import_bytes`,
which the API runs as the signed-in user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.core.models import Unit

from .runner import rejected, run_import_bytes


def run_import(
    school_code: str, path: Path, *, kind: str = "students", dry_run: bool = False
) -> tuple[dict[str, Any], int]:
    school = Unit.objects.filter(code=school_code).first()
    if school is None:
        return rejected(_("No unit with code %(code)s.") % {"code": school_code}), 1
    operator = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if operator is None:
        return rejected(_("No operator account: create one with `safecampus manage createsuperuser`.")), 1
    try:
        data = path.read_bytes()
    except OSError as exc:
        return rejected(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}), 1
    result = run_import_bytes(school, data, kind=kind, dry_run=dry_run, actor=operator, file_name=path.name)
    return result, 0 if result["ok"] else 1
