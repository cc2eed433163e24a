"""Small helpers shared by the server-rendered views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.urls import reverse

from .errors import DomainError
from .models import Unit
from .scoping import user_scope_paths

T = TypeVar("T")


def unit_breadcrumbs(user: Any, unit: Unit, *extra: dict) -> list[dict]:
    """Org-tree breadcrumbs; ancestors above the user's scope are shown without a link."""
    paths = user_scope_paths(user)
    crumbs = []
    for node in [*unit.get_ancestors(), unit]:
        visible = any(node.path.startswith(p) for p in paths)
        url = reverse("core:unit_detail", args=[node.pk]) if visible else None
        crumbs.append({"label": node.name, "url": url})
    return [*crumbs, *extra]


def run_service(form: forms.Form, call: Callable[[], T]) -> T | None:
    """Call a service; a domain error becomes a form error (on its field when known)."""
    try:
        return call()
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
        return None
