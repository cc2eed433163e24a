"""Demo risks: every demo school gets the risk list of `demo_data` (graded, most confirmed, the
major ones with control plans), a campus plan drawn with Pillow, its areas and the pins.
Idempotent: a school that already has risk points is left alone. Everything goes through the
services as the operator, so the audit trail shows how the demo was made."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Role
from safecampus.roster.models import StaffPost

from . import plans, services
from .demo_data import AREAS, LEC, POINTS
from .models import Level, PlanArea, RiskPoint

FONT_FILES = [
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]
SIZE = (1600, 1000)
POST_ROLES = {"班主任": Role.HEAD_TEACHER, "保安": Role.GUARD, "门卫": Role.GUARD, "校医": Role.DOCTOR,
              "心理教师": Role.COUNSELLOR, "安全办主任": Role.SAFETY_STAFF}  # fmt: skip


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in FONT_FILES:
        if path.exists():
            try:
                return ImageFont.truetype(str(path), size, index=2)  # index 2: Simplified Chinese
            except OSError:
                continue
    return ImageFont.load_default(size)


def draw_plan(school_name: str) -> bytes:
    """A simple campus plan: buildings and grounds with labels, roads, a compass and a title."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", SIZE, "#f6f4ee")
    d = ImageDraw.Draw(img)
    d.rectangle((40, 40, SIZE[0] - 40, SIZE[1] - 40), outline="#8a8a8a", width=6)  # the fence
    d.rectangle((40, 395, SIZE[0] - 40, 425), fill="#d6d3cc")  # the main road
    d.rectangle((845, 40, 875, SIZE[1] - 40), fill="#d6d3cc")
    big, small, title = _font(34), _font(20), _font(30)
    for key, zh, en, (x0, y0, x1, y1), fill in AREAS:
        if key == "ground":
            d.rounded_rectangle((x0, y0, x1, y1), radius=200, fill="#8fc79a", outline="#5a8f64", width=4)
            d.rounded_rectangle((x0 + 50, y0 + 50, x1 - 50, y1 - 50), radius=150, outline="#ffffff", width=3)
        elif key == "water":
            d.rectangle((x0, y0, x1, y1), fill="#9cc9ee", outline="#5f95c2", width=3)
        else:
            d.rectangle((x0, y0, x1, y1), fill=fill, outline="#5b6470", width=4)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        d.text((cx, cy - 14), zh, fill="#1f2a37", font=big, anchor="mm")
        d.text((cx, cy + 24), en, fill="#4b5563", font=small, anchor="mm")
    d.polygon([(1540, 70), (1525, 120), (1555, 120)], fill="#1f2a37")  # north arrow
    d.text((1540, 140), "N", fill="#1f2a37", font=small, anchor="mm")
    d.text((60, 960), f"{school_name} 校园平面图 · Campus plan", fill="#1f2a37", font=title, anchor="ls")
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _people(school: Unit) -> tuple[dict[str, User], User | None]:
    """Who holds which post at the school (staff posts and roles), and a fallback manager."""
    by_post: dict[str, User] = {}
    for sp in StaffPost.objects.filter(unit=school).select_related("user"):
        by_post.setdefault(sp.post, sp.user)
    by_role: dict[str, User] = {}
    for m in Membership.objects.filter(unit=school, is_active=True).select_related("user").order_by("pk"):
        by_role.setdefault(m.role, m.user)
    for post, role in POST_ROLES.items():
        if post not in by_post and role in by_role:
            by_post[post] = by_role[role]
    manager = (
        by_role.get(Role.SAFETY_STAFF) or by_role.get(Role.PRINCIPAL) or next(iter(by_role.values()), None)
    )
    return by_post, manager


def load_school(school: Unit, actor: User) -> int:
    if RiskPoint.objects.filter(unit=school).exists():
        return 0
    rnd = random.Random(f"risks-{school.code}")  # noqa: S311 (demo data)
    by_post, manager = _people(school)
    plan = plans.upload_plan(
        school, actor=actor, upload=draw_plan(school.name), title=f"{school.name}校园平面图"
    )
    areas = [
        {"id": None, "name": zh, "polygon": [[x0 / SIZE[0], y0 / SIZE[1]], [x1 / SIZE[0], y0 / SIZE[1]],
                                             [x1 / SIZE[0], y1 / SIZE[1]], [x0 / SIZE[0], y1 / SIZE[1]]]}
        for _key, zh, _en, (x0, y0, x1, y1), _fill in AREAS
    ]  # fmt: skip
    plans.save_layout(plan, actor=actor, areas=areas, pins=[])
    area_of = {a.name: a for a in PlanArea.objects.filter(plan=plan)}
    boxes = {key: (zh, box) for key, zh, _en, box, _fill in AREAS}
    review = timezone.localdate() + dt.timedelta(days=30)
    made = 0
    for row in POINTS:
        zh, (x0, y0, x1, y1) = boxes[row["area"]]
        person = by_post.get(row["post"]) or manager
        factors = dict(zip(("l", "e", "c"), row["f"], strict=True)) if row["method"] == LEC else dict(
            zip(("likelihood", "severity"), row["f"], strict=True))  # fmt: skip
        point = services.create_point(
            school, actor=actor, method=row["method"], factors=factors,
            name=row["name"], name_en=row["name_en"],
            category=row["category"], location=row["location"], hazard_factors=row["hazard"],
            consequences=row["consequence"], controls=row["controls"], emergency_measures=row["emergency"],
            responsible_post=row["post"], responsible_person=person, area=area_of[zh],
            pin_x=round(rnd.uniform(x0 + 30, x1 - 30) / SIZE[0], 4),
            pin_y=round(rnd.uniform(y0 + 30, y1 - 30) / SIZE[1], 4),
        )  # fmt: skip
        made += 1
        if point.level == Level.MAJOR:
            if person is None:
                continue  # no one at the school to hold the plan: the point stays a draft
            services.save_control_plan(point, actor=actor, measures=row.get("plan") or row["controls"],
                                       responsible_person=person, review_date=review)  # fmt: skip
        if rnd.random() < 0.9:  # most points are confirmed; a few are still being assessed
            services.change_status(point, "confirm", actor=actor)
    return made


def load_risks_demo() -> int:
    actor = User.objects.filter(is_superuser=True, username="demo_operator").first()
    if actor is None:
        return 0
    total = 0
    for school in Unit.objects.filter(code__startswith="demo", kind=UnitKind.SCHOOL).order_by("path"):
        total += load_school(school, actor)
    return total
