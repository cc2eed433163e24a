"""Reading checklists, always scoped (`ChecklistTemplate.objects.visible_to`): the library a
user sees (their units' own templates and those published from above), one template (404 alike
for missing and not visible), its versions, and where a user may copy a template to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from safecampus.core import access
from safecampus.core.models import Unit
from safecampus.core.roles import Perm

from .models import ChecklistTemplate, CheckPhoto, Kind, TemplateStatus, TemplateVersion

SCOPES = ("all", "own", "above")


@dataclass(frozen=True)
class LibraryFilter:
    kind: str = ""
    scope: str = "all"  # all | own (my units' templates) | above (published by a bureau above)
    retired: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, query: Any) -> LibraryFilter:
        kind = query.get("kind") or ""
        scope = query.get("scope") or "all"
        return cls(
            kind=kind if kind in Kind.values else "",
            scope=scope if scope in SCOPES else "all",
            retired=query.get("retired") in ("1", "true", "on"),
            q=" ".join(str(query.get("q") or "").split())[:60],
        )


def own_paths(user: Any) -> list[str]:
    return sorted({m.unit.path for m in access.memberships(user, Perm.VIEW_CHECKS)})


def library(user: Any, filters: LibraryFilter | None = None) -> QuerySet[ChecklistTemplate]:
    """The templates the user reads, filtered; each with `item_count` and `version_number`."""
    f = filters or LibraryFilter()
    qs = ChecklistTemplate.objects.visible_to(user).select_related(
        "unit", "current_version", "copied_from__unit"
    )
    if not f.retired:
        qs = qs.filter(status=TemplateStatus.ACTIVE)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.scope in ("own", "above") and not access.is_root(user):
        mine = own_paths(user)
        qs = qs.filter(unit_path__in=mine) if f.scope == "own" else qs.exclude(unit_path__in=mine)
    if f.q:
        qs = qs.filter(Q(title_zh__icontains=f.q) | Q(title_en__icontains=f.q) | Q(code__icontains=f.q))
    return qs.annotate(item_count=Count("current_version__items")).order_by(
        "unit__depth", "kind", "code", "id"
    )


def get_template_for(user: Any, template_id: Any) -> ChecklistTemplate:
    """One template the user may read: 404 alike for missing and not visible."""
    try:
        pk = int(template_id)
    except (TypeError, ValueError):
        raise Http404 from None
    found = (
        ChecklistTemplate.objects.visible_to(user)
        .select_related("unit", "current_version", "copied_from__unit", "created_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def versions_of(template: ChecklistTemplate) -> QuerySet[TemplateVersion]:
    return (
        template.versions.select_related("created_by").annotate(item_count=Count("items")).order_by("-number")
    )


def version_of(template: ChecklistTemplate, number: Any) -> TemplateVersion:
    """A version of a template already read through `get_template_for`; the current one when
    `number` is empty; 404 for a number it does not have."""
    if number in (None, ""):
        if template.current_version is None:
            raise Http404
        return template.current_version
    try:
        n = int(number)
    except (TypeError, ValueError):
        raise Http404 from None
    version = template.versions.select_related("created_by").filter(number=n).first()
    if version is None:
        raise Http404
    return version


def copy_targets(user: Any, template: ChecklistTemplate) -> list[Unit]:
    """The units where the user may take a copy of `template` (its area's units the user manages)."""
    if not (template.published and template.status == TemplateStatus.ACTIVE):
        return []
    return [
        u
        for u in access.member_units(user, Perm.MANAGE_CHECK_TEMPLATES)
        if u.pk != template.unit_id and u.path.startswith(template.unit_path)
    ]


def copies_in(user: Any, template: ChecklistTemplate) -> QuerySet[ChecklistTemplate]:
    """Copies of `template` that the user reads (their own units' copies)."""
    return ChecklistTemplate.objects.visible_to(user).filter(copied_from=template).select_related("unit")


def new_template_units(user: Any) -> list[Unit]:
    """Units where the user may write a new checklist."""
    return access.member_units(user, Perm.MANAGE_CHECK_TEMPLATES)


def get_photo_for(user: Any, photo_id: int) -> CheckPhoto:
    found = CheckPhoto.objects.visible_to(user).filter(pk=photo_id).first()
    if found is None:
        raise Http404
    return found


def available_at(unit: Unit) -> QuerySet[ChecklistTemplate]:
    """Checklists a unit works with: its own and those published by a bureau above it (the one
    definition for the schedule form and the schedule service)."""
    return ChecklistTemplate.objects.filter(
        Q(unit=unit) | Q(published=True, unit_path__in=unit.ancestor_paths())
    )


def usable_at(unit: Unit) -> QuerySet[ChecklistTemplate]:
    """Those of `available_at` in use and with items: what a schedule may point at."""
    return available_at(unit).filter(status=TemplateStatus.ACTIVE, current_version__isnull=False)
