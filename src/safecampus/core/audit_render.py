"""Audit events as a reader sees them: every verb, status, choice, factor and person by its label
or name in the reader's language, on every timeline, the audit log and the activity feed.

Each app declares its part in an `audit_labels.py` module (found on first use, like `admin.py`):
the label and icon of each of its verbs, and how each key of its events' before/after data is
labelled and shown (`core.audit_values`). A key is looked up under the event's verb, then its
target type (`app_label.model`), then "*"; a key nobody declares falls back to the target model's
field of that name (its verbose name; choices by their label, a foreign key by the object's name).
Objects named by id are fetched in one query per model for a whole page of events.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .audit_values import (
    Choice,
    Count,
    Factors,
    Names,
    Obj,
    Person,
    Place,
    Ref,
    Show,
    Titles,
    plain,
)

__all__ = [
    "ANY",
    "HIDDEN",
    "Choice",
    "Count",
    "Entry",
    "Factors",
    "Field",
    "Names",
    "Obj",
    "Person",
    "Place",
    "Ref",
    "Show",
    "Titles",
    "Verb",
    "entries",
    "off_feed_verbs",
    "plain",
    "register_fields",
    "register_target",
    "register_verbs",
    "verb_icon",
    "verb_label",
    "verb_of",
]
ANY = "*"


@dataclass(frozen=True)
class Verb:
    label: Any
    icon: str = "dot"
    # False for one person's own acts (a pupil's quiz, a sign-in): kept off the activity feed.
    feed: bool = True


@dataclass(frozen=True)
class Field:
    label: Any = None
    show: Show | None = None
    hidden: bool = False


HIDDEN = Field(hidden=True)


class Registry:
    def __init__(self) -> None:
        self.verbs: dict[str, Verb] = {}
        self.fields: dict[str, dict[str, Field]] = defaultdict(dict)
        self.targets: dict[str, Callable[[Any], str | None]] = {}
        self.loaded = False

    def load(self) -> None:
        if not self.loaded:
            self.loaded = True
            autodiscover_modules("audit_labels")


REGISTRY = Registry()


def register_verbs(verbs: Mapping[str, Verb]) -> None:
    REGISTRY.verbs.update(verbs)


def register_fields(scopes: str | Iterable[str], fields: Mapping[str, Field | Show | Any]) -> None:
    """Declare keys under verbs and/or target types (or ANY); a value is a Field, a Show, or a label."""
    for scope in [scopes] if isinstance(scopes, str) else scopes:
        for key, spec in fields.items():
            if not isinstance(spec, Field):
                spec = Field(show=spec) if isinstance(spec, Show) else Field(label=spec)
            REGISTRY.fields[scope][key] = spec


def register_target(target_type: str, describe: Callable[[Any], str | None]) -> None:
    """How an event names its target when the recorded text says nothing (e.g. a quiz attempt)."""
    REGISTRY.targets[target_type] = describe


def verb_of(verb: str) -> Verb | None:
    REGISTRY.load()
    return REGISTRY.verbs.get(verb)


def verb_label(verb: str) -> str:
    entry = verb_of(verb)
    return str(entry.label) if entry else verb


def verb_icon(verb: str) -> str:
    entry = verb_of(verb)
    return entry.icon if entry else "dot"


def off_feed_verbs() -> list[str]:
    """Verbs the activity feed leaves out (one person's own acts)."""
    REGISTRY.load()
    return sorted(v for v, entry in REGISTRY.verbs.items() if not entry.feed)


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _from_model(target_type: str, key: str) -> Field:
    model = _model(target_type)
    try:
        f = model._meta.get_field(key) if model is not None else None
    except FieldDoesNotExist:
        f = None
    if f is None or not hasattr(f, "verbose_name"):
        return Field()
    show: Show | None = None
    if getattr(f, "choices", None):
        show = Choice(f.flatchoices)
    elif f.many_to_one and f.related_model is not None:
        related = f.related_model._meta.label_lower
        show = {settings.AUTH_USER_MODEL.lower(): Person(), "core.unit": Place()}.get(related) or Obj(related)
    return Field(label=capfirst(f.verbose_name), show=show)


def field_of(event: Any, key: str) -> Field:
    REGISTRY.load()
    declared = [
        REGISTRY.fields[s][key] for s in (event.verb, event.target_type, ANY) if key in REGISTRY.fields[s]
    ]
    if any(f.hidden for f in declared[:1]):
        return HIDDEN
    model = _from_model(event.target_type, key)
    label = next((f.label for f in declared if f.label is not None), model.label)
    show = next((f.show for f in declared if f.show is not None), model.show)
    return Field(label=label, show=show)


@dataclass
class Row:
    label: str
    old: str
    new: str
    created: bool


@dataclass
class Entry:
    event: Any
    label: str
    icon: str
    target: str
    rows: list[Row]

    @property
    def actor(self) -> str:
        return self.event.actor_name or _("System")


def _changes(event: Any) -> list[tuple[str, Field, Any, Any]]:
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    out = []
    for key in [*before, *[k for k in after if k not in before]]:
        old, new = before.get(key), after.get(key)
        if (before and after and old == new) or (not before and new in (None, "", [], {})):
            continue
        spec = field_of(event, key)
        if not spec.hidden:
            out.append((key, spec, old, new))
    return out


_DEFAULT_REPR = re.compile(r"^\w+ object \((\d+)\)$")


def _target_refs(event: Any) -> Iterable[Ref]:
    model = _model(event.target_type)
    if model is not None and event.target_id and hasattr(model, "display_title"):
        yield event.target_type, "pk", event.target_id


def _target(event: Any, names: Names) -> str:
    live = names.get(event.target_type, "pk", event.target_id) if event.target_id else None
    if live:
        return live
    describe = REGISTRY.targets.get(event.target_type)
    described = describe(event) if describe is not None else None
    if described:
        return described
    if _DEFAULT_REPR.match(event.target_repr or ""):
        model = _model(event.target_type)
        kind = capfirst(model._meta.verbose_name) if model is not None else pgettext("audit", "Record")
        return f"{kind} {event.target_id}"
    return event.target_repr


def entries(events: Iterable[Any]) -> list[Entry]:
    """A page of events, each with its verb, target and changed keys rendered for the reader."""
    REGISTRY.load()
    events = list(events)
    names = Names()
    plans = []
    for event in events:
        changes = _changes(event)
        for _key, spec, old, new in changes:
            if spec.show is not None:
                names.want(spec.show.refs(old, event))
                names.want(spec.show.refs(new, event))
        names.want(_target_refs(event))
        plans.append((event, changes))
    names.fetch()
    out = []
    for event, changes in plans:
        rows = []
        for key, spec, old, new in changes:
            show = spec.show or Show()
            added = not isinstance(event.before, dict) or key not in event.before  # a note, a reason
            rows.append(
                Row(
                    label=str(spec.label or key),
                    old="" if added else show(old, names, event),
                    new=show(new, names, event) if event.after else "—",
                    created=added,
                )
            )
        out.append(Entry(event, verb_label(event.verb), verb_icon(event.verb), _target(event, names), rows))
    return out
