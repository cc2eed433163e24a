"""Every change to a checklist goes through here: permission, validation, write, audit.

A template's items change only by writing a new version (`revise`); past versions stay as they
were, so a task pointing at one keeps its questions. Templates are managed by the managers of
their own unit (school admin, principal, safety office; bureau admin, safety officer). A
bureau publishes its templates to its whole area; a unit below copies a published template,
which becomes its own (with `copied_from`), and adapts it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.access import holds_at
from safecampus.core.errors import Conflict, Invalid, PermissionDenied
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.risks.services import clean_text

from .items import clean_items, contents, write_items
from .models import ChecklistTemplate, Kind, TemplateStatus, TemplateVersion

# action: (from statuses, to status, audit verb)
TRANSITIONS: dict[str, tuple[set[str], str, str]] = {
    "retire": ({TemplateStatus.ACTIVE}, TemplateStatus.RETIRED, "checklist.retired"),
    "restore": ({TemplateStatus.RETIRED}, TemplateStatus.ACTIVE, "checklist.restored"),
}


def may_manage(user: Any, template: ChecklistTemplate) -> bool:
    """Managers of the template's own unit (not of a unit above it)."""
    return holds_at(user, Perm.MANAGE_CHECK_TEMPLATES, template.unit, here=True)


def may_manage_at(user: Any, unit: Unit) -> bool:
    return holds_at(user, Perm.MANAGE_CHECK_TEMPLATES, unit, here=True)


def _require(user: Any, unit: Unit) -> None:
    if not may_manage_at(user, unit):
        raise PermissionDenied(Perm.MANAGE_CHECK_TEMPLATES)


def _editable(template: ChecklistTemplate) -> None:
    if template.status != TemplateStatus.ACTIVE:
        raise Conflict(_("This checklist is retired: restore it before changing it."))


def clean_details(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Title (in Chinese and/or English), description and kind of a template."""
    out: dict[str, Any] = {}
    for name, limit, multiline in (
        ("title_zh", 120, False),
        ("title_en", 160, False),
        ("description_zh", 2000, True),
        ("description_en", 2000, True),
    ):
        if name in data or not partial:
            out[name] = clean_text(data.get(name), limit, name, multiline=multiline)
    titled = not partial or "title_zh" in out or "title_en" in out
    if titled and not out.get("title_zh") and not out.get("title_en"):
        raise Invalid(_("Give the checklist a title."), field="title_zh")
    if "kind" in data or not partial:
        kind = data.get("kind") or Kind.SPECIAL
        if kind not in Kind.values:
            raise Invalid(_("Choose the kind of check."), field="kind")
        out["kind"] = kind
    return out


def _free_code(unit: Unit, code: str) -> str:
    base = code[:60] or "checklist"
    taken = set(
        ChecklistTemplate.objects.filter(unit=unit, code__startswith=base).values_list("code", flat=True)
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _new_version(
    template: ChecklistTemplate, items: list[dict[str, Any]], *, actor: Any, note: str
) -> TemplateVersion:
    last = template.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = TemplateVersion.objects.create(
        template=template,
        number=last + 1,
        note=note[:200],
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    write_items(version, items)
    ChecklistTemplate.objects.filter(pk=template.pk).update(
        current_version=version, updated_at=timezone.now()
    )
    template.current_version = version
    return version


def _create(
    unit: Unit,
    *,
    actor: Any,
    details: dict[str, Any],
    items: list[dict[str, Any]],
    code: str,
    note: str,
    **extra: Any,
) -> ChecklistTemplate:
    template = ChecklistTemplate(
        code=_free_code(unit, code),
        created_by=actor if getattr(actor, "pk", None) else None,
        **details,
        **extra,
    )
    template.set_unit(unit)
    template.save()
    _new_version(template, items, actor=actor, note=note)
    return template


def create_template(
    unit: Unit, *, actor: Any, data: dict[str, Any], items: list[dict[str, Any]]
) -> ChecklistTemplate:
    """A new checklist of `unit` with its first version. No items: refused (`Invalid`)."""
    _require(actor, unit)
    details = clean_details(data)
    cleaned = clean_items(items)
    from django.utils.text import slugify

    code = slugify(str(data.get("code") or "")) or slugify(details.get("title_en") or "") or "checklist"
    with transaction.atomic():
        template = _create(
            unit,
            actor=actor,
            details=details,
            items=cleaned,
            code=code,
            note=clean_text(data.get("note"), 200, "note"),
        )
        audit.record(
            actor, "checklist.created", template, after={**template.audit_snapshot(), "items": len(cleaned)}
        )
    return template


def revise(
    template: ChecklistTemplate, *, actor: Any, items: list[dict[str, Any]], note: str = ""
) -> TemplateVersion | None:
    """Replace the items by writing a new version (added, removed, reordered or changed items).
    None when the items are the same as the current version's (nothing is written)."""
    _require(actor, template.unit)
    _editable(template)
    cleaned = clean_items(items)
    note = clean_text(note, 200, "note")
    with transaction.atomic():
        locked = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        before = contents(locked.current_version)
        if cleaned == before:
            return None
        old = locked.current_version.number if locked.current_version_id else None
        version = _new_version(locked, cleaned, actor=actor, note=note)
        template.current_version = version
        audit.record(
            actor,
            "checklist.revised",
            locked,
            before={"version": old, "items": len(before)},
            after={"version": version.number, "items": len(cleaned), "note": note},
        )
    return version


def update_details(template: ChecklistTemplate, *, actor: Any, data: dict[str, Any]) -> ChecklistTemplate:
    """Change the title, description or kind (not versioned: past records keep their items)."""
    _require(actor, template.unit)
    _editable(template)
    details = clean_details(data, partial=True)
    changed = {k: v for k, v in details.items() if getattr(template, k) != v}
    if not changed:
        return template
    with transaction.atomic():
        before = {k: getattr(template, k) for k in changed}
        for k, v in changed.items():
            setattr(template, k, v)
        template.save(update_fields=[*changed, "updated_at"])
        audit.record(actor, "checklist.details_changed", template, before=before, after=changed)
    return template


def edit(
    template: ChecklistTemplate,
    *,
    actor: Any,
    data: dict[str, Any],
    items: list[dict[str, Any]],
    note: str = "",
) -> TemplateVersion | None:
    """The edit form: details and items together, all checked before anything is written."""
    _require(actor, template.unit)
    _editable(template)
    clean_details(data, partial=True)
    clean_items(items)
    with transaction.atomic():
        update_details(template, actor=actor, data=data)
        return revise(template, actor=actor, items=items, note=note)


def set_published(template: ChecklistTemplate, *, actor: Any, published: bool) -> ChecklistTemplate:
    """A bureau publishes its template to every unit of its area (or takes it back; copies
    already made stay with the schools that made them)."""
    _require(actor, template.unit)
    if not template.unit.is_bureau:
        raise Conflict(_("Only a bureau publishes checklists to its area."))
    if published:
        _editable(template)
        if template.current_version_id is None or not template.current_version.items.exists():
            raise Invalid(_("A checklist needs at least one item."), field="items")
    if template.published == published:
        return template
    with transaction.atomic():
        template.published = published
        template.published_at = timezone.now() if published else None
        template.save(update_fields=["published", "published_at", "updated_at"])
        verb = "checklist.published" if published else "checklist.unpublished"
        audit.record(
            actor, verb, template, before={"published": not published}, after={"published": published}
        )
    return template


def publish(template: ChecklistTemplate, *, actor: Any) -> ChecklistTemplate:
    return set_published(template, actor=actor, published=True)


def unpublish(template: ChecklistTemplate, *, actor: Any) -> ChecklistTemplate:
    return set_published(template, actor=actor, published=False)


def copy_template(source: ChecklistTemplate, unit: Unit, *, actor: Any) -> ChecklistTemplate:
    """`unit` (a school, or a bureau below) takes a copy of a template published above it: the
    copy is the unit's own, starts with the source's current items (same item keys) and is
    edited from then on without touching the source."""
    _require(actor, unit)
    if not (source.published and source.is_active):
        raise Conflict(_("Only a published checklist in use can be copied."))
    if source.unit_id == unit.pk or not unit.path.startswith(source.unit_path):
        raise Conflict(_("This checklist is not published to your unit."))
    details = {
        f: getattr(source, f) for f in ("title_zh", "title_en", "description_zh", "description_en", "kind")
    }
    items = contents(source.current_version)
    if not items:
        raise Invalid(_("A checklist needs at least one item."), field="items")
    with transaction.atomic():
        copy = _create(
            unit,
            actor=actor,
            details=details,
            items=items,
            code=source.code,
            copied_from=source,
            note=_("Copied from %(unit)s") % {"unit": source.unit.name},
        )
        audit.record(
            actor,
            "checklist.copied",
            copy,
            after={
                **copy.audit_snapshot(),
                "copied_from": source.pk,
                "source_version": source.current_version.number,
            },
        )
    return copy


def act(template: ChecklistTemplate, *, actor: Any, action: str) -> ChecklistTemplate:
    """Retire a template (kept, with its versions, for the records that used it; no longer
    offered, copied or scheduled) or restore it."""
    if action not in TRANSITIONS:
        raise Invalid(_("Unknown action."), field="action")
    _require(actor, template.unit)
    sources, target, verb = TRANSITIONS[action]
    with transaction.atomic():
        updates: dict[str, Any] = {"status": target, "updated_at": timezone.now()}
        if target == TemplateStatus.RETIRED:
            updates.update(published=False, published_at=None)
        moved = ChecklistTemplate.objects.filter(pk=template.pk, status__in=sources).update(**updates)
        if not moved:
            raise Conflict(_("This checklist cannot be changed like this now."))
        before = {"status": template.status, "published": template.published}
        template.refresh_from_db()
        audit.record(
            actor,
            verb,
            template,
            before=before,
            after={"status": template.status, "published": template.published},
        )
    return template


def retire(template: ChecklistTemplate, *, actor: Any) -> ChecklistTemplate:
    return act(template, actor=actor, action="retire")


def restore(template: ChecklistTemplate, *, actor: Any) -> ChecklistTemplate:
    return act(template, actor=actor, action="restore")
