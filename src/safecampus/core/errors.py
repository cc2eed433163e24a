"""Domain errors raised by services; views and the API turn them into translated messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied  # noqa: F401  (re-exported for services)


class DomainError(Exception):
    """A rule of the domain refused the change. `message` is already translated (lazy)."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(DomainError):
    status = 400


class Conflict(DomainError):
    """The object changed under us, or the action is not allowed in its current state."""

    status = 409


class InvalidFields(Invalid):
    """Several fields are wrong at once: `errors` maps each field to its (translated) message, so
    a form shows them all together. `message` and `field` are the first, for one-error clients."""

    def __init__(self, errors: dict[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field)
        self.errors = dict(errors)
