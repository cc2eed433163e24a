"""Values of audit events as a reader sees them: objects named by id (fetched in bulk), codes by
their labels, numbers and lists as the language writes them. The `Show` kinds apps use in their
`audit_labels.py`; see core.audit_render."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

from .i18n import list_join

Ref = tuple[str, str, str]  # (model label, lookup field(s), value as text)
PK_FIELDS = {"pk", "id"}  # and any "<fk>_id": lookups whose values must be whole numbers


class Names:
    """Names of the objects a page of events refers to, fetched in bulk."""

    def __init__(self) -> None:
        self._wanted: dict[tuple[str, str], set[str]] = defaultdict(set)
        self._found: dict[Ref, str] = {}

    def want(self, refs: Iterable[Ref]) -> None:
        for model, by, value in refs:
            self._wanted[(model, by)].add(value)

    def fetch(self) -> None:
        """One query per (model, lookup). A lookup of several fields ("campaign_id,key") takes
        values written the same way ("3,fire")."""
        for (label, by), values in self._wanted.items():
            model = apps.get_model(label)
            fields = by.split(",")
            q = models.Q()
            for value in values:
                parts = value.split(",", len(fields) - 1)
                if len(parts) != len(fields):
                    continue
                lookup = dict(zip(fields, parts, strict=True))
                if all(v.isdigit() for f, v in lookup.items() if f in PK_FIELDS or f.endswith("_id")):
                    q |= models.Q(**lookup)
            if not q:
                continue
            try:
                found = list(model._default_manager.filter(q))
            except (ValueError, TypeError):  # a value of the wrong type for its field: shown as is
                found = []
            for obj in found:
                self._found[(label, by, ",".join(str(getattr(obj, f)) for f in fields))] = name_of(obj)
        self._wanted.clear()

    def get(self, model: str, by: str, value: Any) -> str | None:
        return self._found.get((model, by, str(value)))


def name_of(obj: Any) -> str:
    """What a reader calls an object: its title in their language, a person's name, else str()."""
    for attr in ("display_title", "display_name"):
        value = getattr(obj, attr, None)
        if value:
            return str(value() if callable(value) else value)
    return str(obj)


def plain(value: Any) -> str:
    """A value no one declared: numbers without a trailing .0, yes/no, lists as lists."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return list_join(plain(v) for v in value)
    if isinstance(value, dict):
        return list_join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def _items(value: Any) -> list[Any]:
    items = value if isinstance(value, list | tuple) else [value]
    return [v for v in items if v not in (None, "")]


class Show:
    """How the values of one key are shown; `refs` names the objects to look up first."""

    def refs(self, value: Any, event: Any) -> Iterable[Ref]:
        return ()

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        return plain(value)


class Choice(Show):
    """A code (or a list of codes) shown by its choice label."""

    def __init__(self, choices: Any) -> None:
        self.labels = dict(choices.choices if hasattr(choices, "choices") else choices)

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        if not _items(value):
            return "—"
        return list_join(str(self.labels.get(v, v)) for v in _items(value))


class Obj(Show):
    """An object recorded by id (or another unique field), shown by its name."""

    def __init__(self, model: str, by: str = "pk") -> None:
        self.model, self.by = model, by

    def _key(self, value: Any) -> tuple[str, str]:
        return self.model, self.by

    def refs(self, value: Any, event: Any) -> Iterable[Ref]:
        for v in _items(value):
            model, by = self._key(v)
            yield model, by, str(v)

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        if not _items(value):
            return "—"
        return list_join(names.get(*self._key(v), v) or plain(v) for v in _items(value))


class Person(Obj):
    """A person recorded by id or by username."""

    def __init__(self) -> None:
        super().__init__(settings.AUTH_USER_MODEL.lower())

    def _key(self, value: Any) -> tuple[str, str]:
        return self.model, "pk" if isinstance(value, int) else "username"


class Place(Obj):
    """A unit recorded by id or by code."""

    def __init__(self) -> None:
        super().__init__("core.unit")

    def _key(self, value: Any) -> tuple[str, str]:
        return self.model, "pk" if isinstance(value, int) else "code"


class Count(Show):
    """A list recorded for the record's sake (ids of many people): how many."""

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        return str(len(value)) if isinstance(value, list | tuple | dict) else plain(value)


class Factors(Show):
    """A dict of named numbers, e.g. the risk factors L, E, C."""

    def __init__(self, labels: Mapping[str, Any]) -> None:
        self.labels = labels

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        if not isinstance(value, dict):
            return plain(value)
        keys = [k for k in self.labels if k in value] + [k for k in value if k not in self.labels]
        shown = [f"{self.labels.get(k, k)} {plain(value[k])}" for k in keys if value[k] is not None]
        return " · ".join(shown) or "—"


class Titles(Show):
    """A list of dicts (e.g. lessons with their due dates) shown by one or two of their keys."""

    def __init__(self, key: str, extra: str | None = None) -> None:
        self.key, self.extra = key, extra

    def __call__(self, value: Any, names: Names, event: Any) -> str:
        out = []
        for item in _items(value):
            if not isinstance(item, dict):
                out.append(plain(item))
                continue
            text = plain(item.get(self.key))
            if self.extra and item.get(self.extra):
                text += f" ({plain(item[self.extra])})"
            out.append(text)
        return list_join(out) or "—"
