"""The checklist library as data: `checks/library/*.yaml`, one template a file, loaded into the
top-level units (provinces) as published templates of their whole area.

Loading is idempotent: a template already loaded with the same content is left alone; one whose
items changed in the files gets a new version (past versions stay); details are brought up to
date; a template the province retired stays retired. Every file is checked whole before
anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.models import Unit

from .items import clean_items, contents
from .models import ChecklistTemplate, Kind
from .services import _create, _new_version, clean_details

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
LIBRARY_NOTE = "检查表库 · library"  # the note on versions written by the loader (data, not UI)


class LibraryError(ValueError):
    pass


@dataclass
class Spec:
    code: str
    details: dict[str, Any]
    items: list[dict[str, Any]]


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _pair(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return str(value.get("zh") or ""), str(value.get("en") or "")
    return str(value or ""), ""


def _row(raw: dict[str, Any]) -> dict[str, Any]:
    guidance_zh, guidance_en = _pair(raw.get("guidance"))
    return {
        "key": raw.get("key"),
        "text_zh": raw.get("zh"),
        "text_en": raw.get("en"),
        "category": raw.get("category"),
        "answer_kind": raw.get("answer", "pass_fail"),
        "min_value": raw.get("min"),
        "max_value": raw.get("max"),
        "value_unit": raw.get("unit", ""),
        "photo_required_on_fail": bool(raw.get("photo", False)),
        "guidance_zh": guidance_zh,
        "guidance_en": guidance_en,
    }


def parse(text: str, name: str = "<library>") -> Spec:
    """One library file: checked like a form (every item needs Chinese and English text)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LibraryError(f"{name}: not YAML: {exc}") from None
    if not isinstance(raw, dict) or not raw.get("code"):
        raise LibraryError(f"{name}: a template needs a code")
    title_zh, title_en = _pair(raw.get("title"))
    description_zh, description_en = _pair(raw.get("description"))
    if raw.get("kind") not in Kind.values:
        raise LibraryError(f"{name}: unknown kind {raw.get('kind')!r}")
    rows = [_row(r) for r in raw.get("items") or [] if isinstance(r, dict)]
    for n, row in enumerate(rows):
        if not row["key"] or not row["text_zh"] or not row["text_en"]:
            raise LibraryError(f"{name}: item {n + 1} needs a key, zh and en text")
    try:
        details = clean_details(
            {
                "title_zh": title_zh,
                "title_en": title_en,
                "description_zh": description_zh,
                "description_en": description_en,
                "kind": raw["kind"],
            }
        )
        items = clean_items(rows)
    except Invalid as exc:
        raise LibraryError(f"{name}: {exc.field}: {exc.message}") from None
    if not title_zh or not title_en:
        raise LibraryError(f"{name}: the title needs zh and en")
    return Spec(code=str(raw["code"]), details=details, items=items)


def read_library(directory: Path | None = None) -> list[Spec]:
    folder = directory or LIBRARY_DIR
    specs = [parse(p.read_text(encoding="utf-8"), p.name) for p in sorted(folder.glob("*.yaml"))]
    codes = [s.code for s in specs]
    if len(set(codes)) != len(codes):
        raise LibraryError("two library files share a code")
    return specs


def _load_one(unit: Unit, spec: Spec, actor: Any, report: LoadReport) -> None:
    template = ChecklistTemplate.objects.filter(unit=unit, code=spec.code).first()
    if template is None:
        template = _create(
            unit,
            actor=actor,
            details=spec.details,
            items=spec.items,
            code=spec.code,
            note=LIBRARY_NOTE,
            from_library=True,
            published=True,
            published_at=timezone.now(),
        )
        audit.record(
            actor,
            "checklist.created",
            template,
            after={**template.audit_snapshot(), "items": len(spec.items)},
        )
        report.created.append(spec.code)
        return
    changed = {k: v for k, v in spec.details.items() if getattr(template, k) != v}
    before_items = contents(template.current_version)
    if not changed and before_items == spec.items:
        report.unchanged.append(spec.code)
        return
    if changed:
        before = {k: getattr(template, k) for k in changed}
        ChecklistTemplate.objects.filter(pk=template.pk).update(**changed, updated_at=timezone.now())
        audit.record(actor, "checklist.details_changed", template, before=before, after=changed)
    if before_items != spec.items:
        old = template.current_version.number if template.current_version_id else None
        version = _new_version(template, spec.items, actor=actor, note=LIBRARY_NOTE)
        audit.record(
            actor,
            "checklist.revised",
            template,
            before={"version": old, "items": len(before_items)},
            after={"version": version.number, "items": len(spec.items), "note": "library"},
        )
    report.revised.append(spec.code)


def load_library(units: list[Unit] | None = None, *, actor: Any = None) -> LoadReport:
    """Load (or bring up to date) the library in `units` (default: every top-level unit)."""
    specs = read_library()
    targets = units if units is not None else list(Unit.objects.filter(depth=1, is_active=True))
    report = LoadReport()
    with transaction.atomic():
        for unit in targets:
            if not unit.is_bureau:
                raise LibraryError(f"{unit.code}: the library is loaded into a bureau")
            for spec in specs:
                _load_one(unit, spec, actor, report)
    return report


__all__ = ["LIBRARY_DIR", "LibraryError", "LoadReport", "Spec", "load_library", "parse", "read_library"]
