"""`safecampus roster import`: one JSON object out, exit 0 when the file was accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from safecampus.accounts.models import User
from safecampus.core.errors import DomainError
from safecampus.core.models import Unit

from .importing import apply_students, check_students_file, preview_students
from .staff import apply_staff, check_staff_file, preview_staff


def _rejected(message: str) -> tuple[dict[str, Any], int]:
    return {"ok": False, "created": 0, "updated": 0, "unchanged": 0,
            "errors": [{"row": 0, "column": "", "message": message}]}, 1  # fmt: skip


def run_import(school_code: str, path: Path, *, kind: str = "students", dry_run: bool = False):
    school = Unit.objects.filter(code=school_code).first()
    if school is None:
        return _rejected(_("No unit with code %(code)s.") % {"code": school_code})
    operator = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if operator is None:
        return _rejected(_("No operator account: create one with `safecampus manage createsuperuser`."))
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _rejected(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror})
    if kind == "students":
        check, apply, preview = check_students_file, apply_students, preview_students
    else:
        check, apply, preview = check_staff_file, apply_staff, preview_staff
    try:
        plan = check(school, data, actor=operator)
    except DomainError as exc:
        return _rejected(str(exc.message))
    if not plan.ok or dry_run:
        result = {"ok": plan.ok, "created": 0, "updated": 0, "unchanged": 0,
                  "errors": [e.as_dict() for e in plan.errors]}  # fmt: skip
        if dry_run and plan.ok:
            result.update(preview(plan))
        return result, 0 if plan.ok else 1
    outcome = apply(plan, actor=operator, data=data, file_name=path.name)
    return outcome.as_json(), 0 if outcome.ok else 1
