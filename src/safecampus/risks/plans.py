"""The campus plan and the four-colour map (四色分布图).

A school uploads its plan (an image, checked by content with Pillow and re-encoded); areas are
polygons in image-relative coordinates (0..1) and risk points are pinned on the plan. An area
takes the colour of the highest confirmed risk inside it: the points assigned to it and the
points pinned within its polygon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from safecampus.core import audit
from safecampus.core.errors import Invalid
from safecampus.core.files.checks import reencode_image
from safecampus.core.files.store import files_kept_on_success, save_media
from safecampus.core.models import Unit
from safecampus.core.roles import Perm
from safecampus.core.scoping import require

from .models import LEVEL_ORDER, CampusPlan, PlanArea, RiskPoint, Status
from .services import clean_text

MAX_SIDE = 2400
MAX_MB = 20
MAX_AREAS = 80
MAX_VERTICES = 64


def plan_of(unit: Unit) -> CampusPlan | None:
    return CampusPlan.objects.filter(unit=unit).first()


def upload_plan(unit: Unit, *, actor: Any, upload: Any, title: Any = "") -> CampusPlan:
    """Store (or replace) the school's plan image; the areas stay (coordinates are relative)."""
    require(actor, Perm.MANAGE_RISKS, unit)
    item = reencode_image(upload, max_side=MAX_SIDE, limit_mb=MAX_MB)
    import io

    from PIL import Image

    with Image.open(io.BytesIO(item.data)) as img:
        width, height = img.size
    text = clean_text(title, 120, "title")
    with files_kept_on_success(), transaction.atomic():
        plan = CampusPlan.objects.select_for_update().filter(unit=unit).first()
        old_name = plan.image.name if plan else None
        if plan is None:
            plan = CampusPlan(unit=unit)
            plan.set_unit(unit)
        save_media(plan.image, item)
        plan.width, plan.height, plan.title = width, height, text or plan.title
        plan.uploaded_by = actor if getattr(actor, "pk", None) else None
        plan.save()
        audit.record(actor, "risk.plan_uploaded", plan, unit=unit,
                     after={"width": width, "height": height, "bytes": item.size})  # fmt: skip
        if old_name:
            storage = plan.image.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return plan


def _coord(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(_("Coordinates lie on the plan (0 to 1)."), field="areas")
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise Invalid(_("Coordinates lie on the plan (0 to 1)."), field="areas")
    return round(number, 5)


def _polygon(raw: Any) -> list[list[float]]:
    if not isinstance(raw, list) or not 3 <= len(raw) <= MAX_VERTICES:
        raise Invalid(_("An area needs between 3 and %(n)s corners.") % {"n": MAX_VERTICES}, field="areas")
    out = []
    for vertex in raw:
        if not isinstance(vertex, list | tuple) or len(vertex) != 2:
            raise Invalid(_("Coordinates lie on the plan (0 to 1)."), field="areas")
        out.append([_coord(vertex[0]), _coord(vertex[1])])
    return out


@transaction.atomic
def save_layout(plan: CampusPlan, *, actor: Any, areas: Any, pins: Any) -> None:
    """Replace the plan's areas and the school's pins with what the editor sends, whole or not at all.

    `areas`: [{"id": existing id or null, "name": "...", "polygon": [[x, y], ...]}];
    `pins`: [{"point": id, "x": 0..1, "y": 0..1}] (points left out are unpinned)."""
    require(actor, Perm.MANAGE_RISKS, plan.unit)
    if not isinstance(areas, list) or len(areas) > MAX_AREAS or not isinstance(pins, list):
        raise Invalid(_("The map could not be read; please try again."), field="areas")
    existing = {a.pk: a for a in PlanArea.objects.filter(plan=plan)}
    keep: set[int] = set()
    cleaned = []
    for i, raw in enumerate(areas):
        if not isinstance(raw, dict):
            raise Invalid(_("The map could not be read; please try again."), field="areas")
        name = clean_text(raw.get("name"), 60, "areas")
        if not name:
            raise Invalid(_("Every area needs a name."), field="areas")
        area_id = raw.get("id")
        if area_id is not None and (not isinstance(area_id, int) or area_id not in existing):
            raise Invalid(_("The map could not be read; please try again."), field="areas")
        cleaned.append((area_id, name, _polygon(raw.get("polygon")), i))
    school_points = {p.pk: p for p in RiskPoint.objects.filter(unit=plan.unit)}
    pin_map: dict[int, tuple[float, float]] = {}
    for raw in pins:
        if not isinstance(raw, dict) or raw.get("point") not in school_points:
            raise Invalid(_("A pin names a risk point of another school."), field="pins")
        pin_map[raw["point"]] = (_coord(raw.get("x")), _coord(raw.get("y")))
    for area_id, name, polygon, order in cleaned:
        if area_id is None:
            area = PlanArea(plan=plan, name=name, polygon=polygon, order=order)
            area.set_unit(plan.unit)
            area.save()
        else:
            area = existing[area_id]
            area.name, area.polygon, area.order = name, polygon, order
            area.save(update_fields=["name", "polygon", "order"])
        keep.add(area.pk)
    PlanArea.objects.filter(plan=plan).exclude(pk__in=keep).delete()
    for pk, point in school_points.items():
        xy = pin_map.get(pk, (None, None))
        if (point.pin_x, point.pin_y) != xy:
            RiskPoint.objects.filter(pk=pk).update(pin_x=xy[0], pin_y=xy[1])
    audit.record(actor, "risk.map_saved", plan, unit=plan.unit,
                 after={"areas": [n for _i, n, _p, _o in cleaned], "pins": len(pin_map)})  # fmt: skip


def inside(x: float, y: float, polygon: list[list[float]]) -> bool:
    """Ray casting: is (x, y) inside the polygon?"""
    result = False
    n = len(polygon)
    for i in range(n):
        x1, y1 = polygon[i]
        x2, y2 = polygon[(i + 1) % n]
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            result = not result
    return result


@dataclass
class MapArea:
    area: PlanArea
    worst: str | None = None
    points: list[RiskPoint] = field(default_factory=list)

    width: int = 1000
    height: int = 1000

    @property
    def svg_points(self) -> str:
        """The polygon in the plan image's pixels (the SVG's viewBox is the image's size)."""
        return " ".join(f"{x * self.width:.1f},{y * self.height:.1f}" for x, y in self.area.polygon)

    @property
    def centre(self) -> tuple[float, float]:
        xs = [x for x, _y in self.area.polygon]
        ys = [y for _x, y in self.area.polygon]
        return (sum(xs) / len(xs) * self.width, sum(ys) / len(ys) * self.height)

    @property
    def corner(self) -> tuple[float, float]:
        """Where the area's name goes: inside its top-left corner (the plan's own labels stay clear)."""
        x = min(x for x, _y in self.area.polygon) * self.width
        y = min(y for _x, y in self.area.polygon) * self.height
        return (x + 8, y + 28)


def four_colour(plan: CampusPlan, points: list[RiskPoint]) -> list[MapArea]:
    """Each area with the confirmed points inside it and the highest level among them."""
    out = []
    for area in plan.areas.all():
        mine = [
            p
            for p in points
            if p.status == Status.CONFIRMED
            and (p.area_id == area.pk or (p.pin_x is not None and inside(p.pin_x, p.pin_y, area.polygon)))
        ]
        worst = max(mine, key=lambda p: LEVEL_ORDER.get(p.level, 0)).level if mine else None
        out.append(MapArea(area, worst, mine, plan.width, plan.height))
    return out
