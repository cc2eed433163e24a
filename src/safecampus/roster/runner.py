"""One roster import from start to end, as a given user: what the CLI and the API both run.

The result is the CLI's JSON contract, `{"ok", "created", "updated", "unchanged", "errors":
[{"row", "column", "message"}]}`; a rejected file (or a dry run) writes nothing.
"""

from __future__ import annotations

from typing import Any

from safecampus.core.errors import DomainError
from safecampus.core.models import Unit

from .importing import apply_students, check_students_file, preview_students
from .models import ImportKind
from .staff import apply_staff, check_staff_file, preview_staff

_STEPS = {
    ImportKind.STUDENTS: (check_students_file, apply_students, preview_students),
    ImportKind.STAFF: (check_staff_file, apply_staff, preview_staff),
}


def rejected(message: str) -> dict[str, Any]:
    """The contract's answer for a file refused as a whole (row 0: no particular row)."""
    return {"ok": False, "created": 0, "updated": 0, "unchanged": 0,
            "errors": [{"row": 0, "column": "", "message": message}]}  # fmt: skip


def run_import_bytes(
    school: Unit, data: bytes, *, kind: str, dry_run: bool, actor: Any, file_name: str = ""
) -> dict[str, Any]:
    """Check the file, then (unless a dry run or rejected) apply it all or nothing as `actor`.

    Permission is the actor's own: `PermissionDenied` propagates to the caller.
    """
    check, apply, preview = _STEPS[ImportKind(kind)]
    try:
        plan = check(school, data, actor=actor)
    except DomainError as exc:
        return rejected(str(exc.message))
    if not plan.ok or dry_run:
        result = {"ok": plan.ok, "created": 0, "updated": 0, "unchanged": 0,
                  "errors": [e.as_dict() for e in plan.errors]}  # fmt: skip
        if plan.ok:
            result.update(preview(plan))
        return result
    return apply(plan, actor=actor, data=data, file_name=file_name).as_json()
