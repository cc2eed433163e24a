"""Files written to storage inside a transaction are deleted again when it fails.

A database rollback cannot take back a file already saved to storage, so every content
service that stores a file does it inside `files_kept_on_success()`: the names stored in the
block are remembered, and an exception leaving the block deletes them. Blocks nest (a package
load wraps many lesson services): an inner block that succeeds hands its files to the outer
one, which deletes them too if it fails later. A file that a change makes unreferenced is
deleted only once the change has committed (`delete_on_commit`). `save_media` stores a checked
upload (`core.files.checks.Media`) under a random name, copied from its spooled file in chunks.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import transaction

log = logging.getLogger(__name__)

_stored: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("stored_files", default=None)

P = ParamSpec("P")
R = TypeVar("R")


def remember(storage: Storage, name: str) -> None:
    """Note a file just saved; it is deleted if the enclosing block fails."""
    files = _stored.get()
    if files is not None:
        files.append((storage, name))


def _delete(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # pragma: no cover - a storage that is down; the file is left behind
        log.warning("could not delete %s after a failed change", name)


@contextlib.contextmanager
def files_kept_on_success() -> Iterator[list[tuple[Storage, str]]]:
    parent = _stored.get()
    mine: list[tuple[Storage, str]] = []
    token = _stored.set(mine)
    try:
        yield mine
    except BaseException:
        _stored.reset(token)
        for storage, name in mine:
            _delete(storage, name)
        raise
    _stored.reset(token)
    if parent is not None:
        parent.extend(mine)


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Run a service in a transaction whose stored files are deleted if it fails."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with files_kept_on_success(), transaction.atomic():
            return func(*args, **kwargs)

    return wrapper


def delete_on_commit(name: str, storage: Storage | None = None) -> None:
    """Delete a file that is no longer referenced, once the change has committed."""
    if not name:
        return
    store: Any = storage or default_storage
    transaction.on_commit(lambda: _delete(store, name))


def save_media(fieldfile: Any, media: Any) -> str:
    """Store a checked file in a FileField (`save=False`: the caller saves the row) under a random
    name with the media's extension, copied in chunks; remembered, so a failing change deletes
    it again. (A spooled temporary file is deleted when the Media is dropped.)"""
    fieldfile.save(f"{uuid.uuid4().hex}.{media.extension}", File(media.open()), save=False)
    remember(fieldfile.storage, fieldfile.name)
    return fieldfile.name
