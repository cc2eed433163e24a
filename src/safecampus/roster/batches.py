"""Import batches: upload → check → preview → apply in the background, each step traced.

Every step is a service that checks permission and records an audit event in the same
transaction. A batch keeps the uploaded file (encrypted: it holds ID-card and phone numbers)
so that the background job re-checks exactly what was previewed and the error report marks the
cells of that very file. A rejected file writes nothing to the roster.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safecampus.core import audit, crypto
from safecampus.core.access import holds_at
from safecampus.core.errors import Conflict, DomainError, Invalid
from safecampus.core.models import Unit, UnitKind
from safecampus.core.roles import Perm
from safecampus.core.scoping import get_visible_or_404, has_perm_at, require

from .files import ZIP_MAGIC
from .importing import (
    Credential,
    ImportOutcome,
    apply_students,
    check_students_file,
    decrypt_credentials,
    encrypt_credentials,
    file_digest,
    preview_students,
)
from .models import ImportBatch, ImportKind, ImportStatus, SchoolClass
from .naming import grade_name
from .staff import apply_staff, check_staff_file, preview_staff

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 10_000


@dataclass(frozen=True)
class KindOps:
    check: Callable[..., Any]
    preview: Callable[[Any], dict[str, int]]
    apply: Callable[..., ImportOutcome]


KINDS: dict[str, KindOps] = {
    ImportKind.STUDENTS: KindOps(check_students_file, preview_students, apply_students),
    ImportKind.STAFF: KindOps(check_staff_file, preview_staff, apply_staff),
}


# Who may do what -------------------------------------------------------------------------------
def can_import(user: Any, school: Unit) -> bool:
    """School administrators, principals and bureau users over the school."""
    return (
        school.kind == UnitKind.SCHOOL and school.is_active and has_perm_at(user, Perm.MANAGE_USERS, school)
    )


def is_school_manager(user: Any, school: Unit) -> bool:
    """Manages users at the school itself (school administrator or principal)."""
    return holds_at(user, Perm.MANAGE_USERS, school, here=True)


def can_download_credentials(user: Any, batch: ImportBatch) -> bool:
    """The one rule for initial passwords (account lists and login slips): the batch's creator,
    while they still manage users there, or a user manager of the batch's school itself. A
    bureau above the school is neither unless it made the import."""
    if not has_perm_at(user, Perm.MANAGE_USERS, batch.unit):
        return False
    return batch.created_by_id == getattr(user, "pk", None) or is_school_manager(user, batch.unit)


def get_batch_for(user: Any, batch_id: int) -> ImportBatch:
    """A batch the user may work with: 404 alike for missing, other tenants and other roles."""
    qs = ImportBatch.objects.select_related("unit", "created_by")
    batch = get_visible_or_404(qs, user, pk=batch_id)
    if not has_perm_at(user, Perm.MANAGE_USERS, batch.unit):
        raise Http404
    return batch


def credentials_batch_for(user: Any, batch_id: int) -> ImportBatch:
    """A batch whose initial passwords the user may download (`can_download_credentials`):
    404 alike for missing, other tenants and everyone else. Every download route starts here."""
    batch = get_batch_for(user, batch_id)
    if not can_download_credentials(user, batch):
        raise Http404
    return batch


# Upload and check ------------------------------------------------------------------------------
def _new_classes(plan: Any) -> list[str]:
    """Classes a clean students file would create, as the school will see them."""
    existing = {
        (c.grade.level, c.number)
        for c in SchoolClass.objects.filter(
            grade__unit=plan.school, grade__school_year=plan.school_year
        ).select_related("grade")
    }
    return [
        f"{grade_name(level, plan.school.school_type)}{class_text}"
        for (level, number), (_grade_text, class_text) in sorted(plan.classes.items())
        if (level, number) not in existing
    ]


def _stored_name(digest: str, data: bytes) -> str:
    return f"{digest[:24]}.{'xlsx' if data.startswith(ZIP_MAGIC) else 'csv'}.enc"


@transaction.atomic
def create_batch(school: Unit, *, actor: Any, kind: str, data: bytes, file_name: str) -> ImportBatch:
    """Check a whole file and keep it as a batch: clean (ready to apply) or rejected with its
    problems. An unreadable file raises Invalid and nothing is kept."""
    if kind not in KINDS:
        raise Invalid(_("Please choose what the file contains."), field="kind")
    if not can_import(actor, school):
        raise PermissionDenied("roster.import")
    ops = KINDS[kind]
    plan = ops.check(school, data, actor=actor)
    errors = [e.as_dict() for e in plan.errors]
    error_rows = {e["row"] for e in errors}
    digest = file_digest(data)
    result = {
        "language": translation.get_language() or settings.LANGUAGE_CODE,
        "rows": len(plan.rows) + len(error_rows - {r.row for r in plan.rows}),
        "error_count": len(errors),
        "errors": errors[:MAX_STORED_ERRORS],
        "counts": ops.preview(plan) if plan.ok else {},
        "new_classes": _new_classes(plan) if plan.ok and kind == ImportKind.STUDENTS else [],
    }
    batch = ImportBatch(
        kind=kind,
        status=ImportStatus.VALIDATED if plan.ok else ImportStatus.REJECTED,
        file_name=os.path.basename(file_name or "")[:255] or "upload",
        file_sha256=digest,
        school_year=plan.school_year,
        created_by=actor if getattr(actor, "pk", None) else None,
        total_rows=len(plan.rows),
        result=result,
    )
    batch.set_unit(school)
    batch.file.save(_stored_name(digest, data), ContentFile(crypto.encrypt_bytes(data)), save=False)
    batch.save()
    audit.record(
        actor,
        "roster.import_checked",
        batch,
        unit=school,
        after={
            "file": batch.file_name,
            "sha256": digest,
            "kind": kind,
            "rows": result["rows"],
            "errors": len(errors),
        },
    )
    return batch


def read_batch_file(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as fh:
        return crypto.decrypt_bytes(fh.read())


# Apply in the background -----------------------------------------------------------------------
def _progress_key(batch_id: int) -> str:
    return f"safecampus:roster-import:{batch_id}:progress"


def set_progress(batch_id: int, done: int, total: int) -> None:
    """Kept in Huey's storage: the import transaction hides row updates until it commits."""
    from huey.contrib.djhuey import HUEY

    HUEY.put(_progress_key(batch_id), {"done": done, "total": total})


def progress_of(batch: ImportBatch) -> tuple[int, int]:
    """(rows done, rows in all) of a batch."""
    if batch.status == ImportStatus.APPLIED:
        return batch.total_rows, batch.total_rows
    from huey.contrib.djhuey import HUEY

    value = HUEY.get(_progress_key(batch.pk), peek=True) if batch.status == ImportStatus.RUNNING else None
    if not isinstance(value, dict):
        return 0, batch.total_rows
    return int(value.get("done", 0)), int(value.get("total", batch.total_rows))


def _clear_progress(batch_id: int) -> None:
    from huey.contrib.djhuey import HUEY

    HUEY.delete(_progress_key(batch_id))


def start_apply(batch: ImportBatch, *, actor: Any, confirm_new_classes: bool = False) -> ImportBatch:
    """Queue a clean batch for the background job. Only once: a second click is refused."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("unit").get(pk=batch.pk)
        require(actor, Perm.MANAGE_USERS, batch.unit)
        if batch.status == ImportStatus.REJECTED:
            raise Conflict(_("This file has problems; fix them and upload it again."))
        if batch.status != ImportStatus.VALIDATED:
            raise Conflict(_("This file has already been imported or is being imported."))
        if batch.result.get("new_classes") and not confirm_new_classes:
            raise Invalid(_("Please confirm the classes to be created."), field="confirm_new_classes")
        moved = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.VALIDATED).update(
            status=ImportStatus.RUNNING, done_rows=0
        )
        if not moved:
            raise Conflict(_("This file has already been imported or is being imported."))
        batch.status = ImportStatus.RUNNING
        audit.record(
            actor,
            "roster.import_started",
            batch,
            unit=batch.unit,
            after={"file": batch.file_name, "kind": batch.kind, "rows": batch.total_rows},
        )
        set_progress(batch.pk, 0, batch.total_rows)
        batch_id, actor_id = batch.pk, actor.pk
        transaction.on_commit(lambda: _enqueue(batch_id, actor_id))
    return batch


def _enqueue(batch_id: int, actor_id: int) -> None:
    from .tasks import apply_import_batch

    apply_import_batch(batch_id, actor_id)


def run_apply(batch_id: int, actor_id: int) -> None:
    """The background job: re-check the stored file, apply it all or nothing, record the end."""
    from safecampus.accounts.models import User

    batch = ImportBatch.objects.select_related("unit").filter(pk=batch_id).first()
    if batch is None or batch.status != ImportStatus.RUNNING:
        return  # already finished, or never started
    actor = User.objects.get(pk=actor_id)
    with translation.override(batch.result.get("language") or settings.LANGUAGE_CODE):
        try:
            _apply(batch, actor)
        except Exception:  # any failure ends the batch; the import itself rolled back
            logger.exception("roster import batch %s failed", batch_id)
            _finish_failed(batch, actor)
        finally:
            _clear_progress(batch_id)


def _apply(batch: ImportBatch, actor: Any) -> None:
    data = read_batch_file(batch)
    ops = KINDS[batch.kind]
    with transaction.atomic():
        if not ImportBatch.objects.select_for_update().filter(pk=batch.pk, status=ImportStatus.RUNNING):
            return  # another run of the job got here first
        try:
            plan = ops.check(batch.unit, data, actor=actor, school_year=batch.school_year)
            errors = [e.as_dict() for e in plan.errors]
        except DomainError as exc:
            plan, errors = None, [{"row": 0, "column": "", "message": str(exc.message)}]
        if errors:  # the roster changed since the preview: nothing is written
            result = {**batch.result, "errors": errors[:MAX_STORED_ERRORS], "error_count": len(errors)}
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.REJECTED, finished_at=timezone.now(), result=result
            )
            audit.record(
                actor, "roster.import_rejected", batch, unit=batch.unit, after={"errors": len(errors)}
            )
            return

        def progress(done: int, total: int) -> None:
            set_progress(batch.pk, done, total)

        outcome = ops.apply(plan, actor=actor, data=data, file_name=batch.file_name, progress=progress)
        result = {
            **batch.result,
            "outcome": {
                "created": outcome.created,
                "updated": outcome.updated,
                "unchanged": outcome.unchanged,
                "accounts": len(outcome.credentials),
                "new_classes": outcome.new_classes,
            },
        }
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportStatus.APPLIED,
            finished_at=timezone.now(),
            done_rows=len(plan.rows),
            total_rows=len(plan.rows),
            result=result,
            credentials_enc=encrypt_credentials(outcome.credentials) if outcome.credentials else "",
        )


def _finish_failed(batch: ImportBatch, actor: Any) -> None:
    with transaction.atomic():
        moved = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        if moved:
            audit.record(actor, "roster.import_failed", batch, unit=batch.unit)


# Downloads -------------------------------------------------------------------------------------
def credentials_for_download(
    batch: ImportBatch, *, actor: Any, class_label: str = "", slips: str = ""
) -> list[Credential]:
    """Initial passwords of the accounts a batch created (of one class when `class_label` is
    given): its creator or a school manager only, audited. `slips` names the login-slip format
    ("pdf", "xlsx") when they are printed as slips rather than listed (slips of an import that
    created no account say so on the page)."""
    if not can_download_credentials(actor, batch):
        raise PermissionDenied("roster.credentials")
    if not slips and (batch.status != ImportStatus.APPLIED or not batch.credentials_enc):
        raise Conflict(_("This import created no accounts."))
    credentials = decrypt_credentials(batch.credentials_enc)
    if class_label:
        credentials = [c for c in credentials if c.class_label == class_label]
    if slips:
        verb, after = "roster.slips_downloaded", {"format": slips, "class": class_label}
    else:
        verb, after = "roster.credentials_downloaded", {"file": batch.file_name}
    with transaction.atomic():
        audit.record(actor, verb, batch, unit=batch.unit, after={**after, "accounts": len(credentials)})
    return credentials


def error_report_for_download(batch: ImportBatch, *, actor: Any) -> bytes:
    """The uploaded sheet with its problem cells marked (it holds personal data: traced)."""
    from .reports import error_report

    require(actor, Perm.MANAGE_USERS, batch.unit)
    if not batch.result.get("errors"):
        raise Conflict(_("This file has no problems to report."))
    content = error_report(batch, read_batch_file(batch))
    with transaction.atomic():
        audit.record(
            actor, "roster.error_report_downloaded", batch, unit=batch.unit, after={"file": batch.file_name}
        )
    return content
