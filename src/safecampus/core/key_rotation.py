"""`safecampus rotate-keys`: re-encrypt every encrypted value with the current key.

FIELD_ENCRYPTION_KEY lists keys, the current one first (see `crypto`). After a new key is put
first, this re-encrypts, batch by batch, every encrypted column (every model field named
`<name>_enc`, with its lookup hash `<name>_hash` recomputed under the new key) and every
encrypted file (`ENCRYPTED_FILES`). Values already made with the current key are left alone, so
a second run changes nothing; a value no listed key opens is counted and left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import models, transaction

from . import crypto

# Files kept encrypted with `crypto.encrypt_bytes`: "app_label.Model", file field.
ENCRYPTED_FILES = [("roster.ImportBatch", "file")]
BATCH_SIZE = 500


@dataclass
class Count:
    what: str
    rotated: int = 0
    current: int = 0
    unreadable: int = 0
    missing: int = 0

    def line(self) -> str:
        text = f"{self.what}: {self.rotated} re-encrypted, {self.current} already current"
        if self.unreadable:
            text += f", {self.unreadable} UNREADABLE with every listed key"
        if self.missing:
            text += f", {self.missing} files missing"
        return text


def encrypted_columns() -> list[tuple[type[models.Model], str, str | None]]:
    """(model, `<name>_enc` field, its `<name>_hash` field or None) of every installed model."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        for name in sorted(names):
            if name.endswith("_enc"):
                hashed = name.removesuffix("_enc") + "_hash"
                found.append((model, name, hashed if hashed in names else None))
    return found


def _batches(model: type[models.Model], fields: list[str], size: int) -> Iterator[list[models.Model]]:
    """Rows in primary-key order, `size` at a time, each batch locked in its own transaction."""
    last = None
    while True:
        with transaction.atomic():
            rows = model._base_manager.order_by("pk").only("pk", *fields).select_for_update()
            if last is not None:
                rows = rows.filter(pk__gt=last)
            batch = list(rows[:size])
            if not batch:
                return
            yield batch
        last = batch[-1].pk


def rotate_column(
    model: type[models.Model], field: str, hashed: str | None, *, size: int = BATCH_SIZE
) -> Count:
    count = Count(f"{model._meta.label}.{field}")
    fields = [field, *([hashed] if hashed else [])]
    for batch in _batches(model, fields, size):
        changed = []
        for row in batch:
            token = getattr(row, field)
            if not token:
                continue
            try:
                plain = crypto.decrypt(token)
            except crypto.DecryptionError:
                count.unreadable += 1
                continue
            fresh_hash = crypto.lookup_hash(plain) if hashed else None
            if crypto.is_current(token) and (not hashed or getattr(row, hashed) == fresh_hash):
                count.current += 1
                continue
            setattr(row, field, crypto.encrypt(plain))
            if hashed:
                setattr(row, hashed, fresh_hash)
            changed.append(row)
        if changed:
            model._base_manager.bulk_update(changed, fields)  # inside the batch's transaction
        count.rotated += len(changed)
    return count


def rotate_file(model: type[models.Model], field: str, *, size: int = BATCH_SIZE) -> Count:
    count = Count(f"{model._meta.label}.{field} (files)")
    for batch in _batches(model, [field], size):
        for row in batch:
            stored = getattr(row, field)
            if not stored:
                continue
            try:
                with stored.storage.open(stored.name, "rb") as fh:
                    token = fh.read()
            except FileNotFoundError:
                count.missing += 1
                continue
            if crypto.is_current(token):
                count.current += 1
                continue
            try:
                data = crypto.decrypt_bytes(token)
            except crypto.DecryptionError:
                count.unreadable += 1
                continue
            name = stored.name
            stored.storage.delete(name)
            saved = stored.storage.save(name, ContentFile(crypto.encrypt_bytes(data)))
            if saved != name:
                model._base_manager.filter(pk=row.pk).update(**{field: saved})
            count.rotated += 1
    return count


def rotate_all(*, size: int = BATCH_SIZE) -> list[Count]:
    """Re-encrypt every encrypted column and file with the current key; one count each."""
    counts = [rotate_column(model, field, hashed, size=size) for model, field, hashed in encrypted_columns()]
    for label, field in ENCRYPTED_FILES:
        counts.append(rotate_file(apps.get_model(label), field, size=size))
    return counts
