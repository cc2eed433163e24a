"""Demo defence registers: every demo school gets protective gear, a gate barrier, a fence,
cameras and a one-click alarm, each tested lately, and closed management confirmed with a photo —
with gaps so that each three-100% indicator has schools short of it:

- demo-c1-k1-s1: eight cameras, one of them (the sports ground's) NOT networked with the police;
  a perimeter alarm whose last test failed (a hazard);
- the other schools in turn: all in order; the one-click alarm not networked; closed management
  not confirmed; too few cameras and no stab-proof vests (below the minimum).

Guards staffed comes from the guards module's demo. Everything goes through the services (audit,
facts, roll-up). Idempotent: a school that has equipment is left alone."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Role

from . import closed, facts, services, testing
from .models import Equipment, Kind, Result

FIRST = "demo-c1-k1-s1"
SPACE = uuid.UUID("3b9d2f6e-71a4-4c08-9e53-d2a6c4f1b870")

K = Kind
GEAR = [
    (K.STEEL_FORK, 4, "门卫室"),
    (K.SHIELD, 4, "门卫室"),
    (K.STAB_VEST, 4, "门卫室"),
    (K.BATON, 4, "门卫室"),
    (K.HELMET, 4, "门卫室"),
    (K.GATE_BARRIER, 1, "校门口（升降式防冲撞柱）"),
    (K.FENCE, 1, "校园四周围墙及护栏"),
    (K.GUARD_ROOM, 1, "南校门"),
    (K.ONE_CLICK_ALARM, 1, "门卫室（一键报警）"),
]
CAMERAS = [("校门口", 2), ("教学楼走廊", 2), ("食堂", 1), ("宿舍楼", 1), ("围墙周界", 1)]


def photo(text: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 320), (40, 70, 120))
    d = ImageDraw.Draw(img)
    d.rectangle((60, 120, 420, 300), fill=(150, 150, 150), outline=(20, 20, 20), width=4)  # a gate
    for x in range(80, 420, 40):
        d.line((x, 120, x, 300), fill=(30, 30, 30), width=5)
    d.text((12, 20), text[:40], fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("gate.jpg", out.getvalue(), content_type="image/jpeg")


def _keeper(school: Unit, operator: User) -> User:
    roles = dict(
        Membership.objects.filter(unit=school, is_active=True).values_list("role", "user_id").order_by("-id")
    )
    for role in (Role.SAFETY_STAFF, Role.SCHOOL_ADMIN, Role.PRINCIPAL):
        if role in roles:
            return User.objects.get(pk=roles[role])
    return operator


def _cid(school: Unit, n: int) -> str:
    return str(uuid.uuid5(SPACE, f"{school.code}:{n}"))


def load_school(school: Unit, operator: User, profile: str) -> int:
    if Equipment.objects.filter(unit=school).exists():
        return 0
    keeper = _keeper(school, operator)
    lines: list[tuple[str, int, str, bool]] = [
        (kind, n, place, True) for kind, n, place in GEAR if not (profile == "short" and kind == K.STAB_VEST)
    ]
    if profile == "alarm":
        lines = [(k, n, p, k != K.ONE_CLICK_ALARM) for k, n, p, _linked in lines]
    if school.code == FIRST:
        lines += [(K.CCTV, n, place, True) for place, n in CAMERAS]
        lines.append((K.CCTV, 1, "操场（未联网）", False))
        lines.append((K.PERIMETER_ALARM, 1, "北侧围墙红外对射", True))
    elif profile == "short":
        lines.append((K.CCTV, 2, "校门口", True))
    else:
        lines += [(K.CCTV, n, place, True) for place, n in CAMERAS[:3]]
    made = []
    for kind, n, place, linked in lines:
        made.append(
            services.add_equipment(
                school,
                actor=keeper,
                data={"kind": kind, "quantity": n, "location": place, "police_linked": linked},
            )
        )
    now = timezone.now()
    for i, item in enumerate(made):
        failed = school.code == FIRST and item.kind == K.PERIMETER_ALARM
        testing.record_test(
            item,
            actor=keeper,
            data={
                "client_id": _cid(school, i),
                "result": Result.FAIL if failed else Result.PASS,
                "note": "北侧红外对射探头无响应，报警主机未收到信号。" if failed else "",
            },
            photo=photo(f"{school.code} {item.location}") if failed else None,
            at=now - dt.timedelta(days=3 + i % 20, hours=i % 5),
        )
    if profile != "closed":
        closed.confirm(
            school,
            actor=keeper,
            confirmed=True,
            evidence=photo(f"{school.code} closed gate"),
            note="校门实行封闭化管理，外来人员一律登记核验后方可进入。",
        )
    facts.refresh(school)
    return len(made)


PROFILES = ("ok", "alarm", "closed", "short")


def load_defence_demo() -> int:
    operator = User.objects.filter(username="demo_operator").first()
    if operator is None:
        return 0
    schools = list(
        Unit.objects.filter(code__startswith="demo-", kind=UnitKind.SCHOOL, is_active=True).order_by("path")
    )
    n = 0
    others = [s for s in schools if s.code != FIRST]
    for school in schools:
        profile = "ok" if school.code == FIRST else PROFILES[others.index(school) % len(PROFILES)]
        n += load_school(school, operator, profile)
    # Every school has its fact row (the guards' staffing counts even without a register).
    for school in schools:
        facts.refresh(school)
    return n
