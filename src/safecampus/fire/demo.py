"""Demo fire equipment: 30 devices per demo school (two dry powder extinguishers past their
service life), monthly checks over the last six weeks (a third of this month's still to do) and,
at demo-c1-k1-s1, one failed check by demo_guard that became a hazard. Everything goes through
the services (audit, statistics); checks are dated back with the service's `at`. Idempotent: a
school that has devices is left alone."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Membership, Unit, UnitKind
from safecampus.core.roles import Role

from . import checks, services
from .models import DeviceType, FireDevice, Result

FAILED_AT = "demo-c1-k1-s1"
DEMO_SPACE = uuid.UUID("0d3c7f1a-2b9e-4c55-8a61-7e2f4b9d1c30")

T = DeviceType
# (type, code prefix, building, floor, location) × 30
LAYOUT: list[tuple[str, str, str, str, str]] = [
    *[
        (T.EXTINGUISHER_POWDER, "MHQ", b, f, f"走廊灭火器箱{n}")
        for b in ("教学楼", "综合楼")
        for f in ("1F", "2F", "3F")
        for n in (1, 2)
    ],
    (T.EXTINGUISHER_CO2, "MHQ", "综合楼", "1F", "配电室门口"),
    (T.EXTINGUISHER_CO2, "MHQ", "综合楼", "3F", "计算机教室"),
    (T.EXTINGUISHER_WATER, "MHQ", "食堂", "1F", "操作间"),
    (T.EXTINGUISHER_POWDER, "MHQ", "食堂", "1F", "餐厅东门"),
    *[(T.HYDRANT, "XHS", b, f, "楼梯口消火栓") for b in ("教学楼", "综合楼") for f in ("1F", "2F")],
    *[(T.SMOKE_DETECTOR, "YG", "宿舍楼", f, "走廊中部") for f in ("1F", "2F", "3F")],
    (T.ALARM_BUTTON, "SB", "教学楼", "1F", "大厅"),
    *[(T.EMERGENCY_LIGHT, "YJ", b, "1F", "安全出口上方") for b in ("教学楼", "综合楼", "宿舍楼")],
    *[(T.EVACUATION_SIGN, "SS", b, "1F", "走廊地面疏散指示") for b in ("教学楼", "宿舍楼")],
    (T.FIRE_DOOR, "FHM", "综合楼", "1F", "配电室防火门"),
    (T.SPRINKLER, "PT", "图书馆", "1F", "阅览室"),
]
EXPIRED = (2, 9)  # indexes of the two dry powder extinguishers past their service life
FAILED = 5  # the device whose last check failed at demo-c1-k1-s1


def photo(text: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 360), (170, 40, 40))
    d = ImageDraw.Draw(img)
    d.rectangle((190, 80, 290, 300), fill=(200, 30, 30), outline=(60, 0, 0), width=4)  # an extinguisher
    d.ellipse((215, 50, 265, 95), fill=(40, 40, 40))
    d.text((12, 330), text[:40], fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("fire.jpg", out.getvalue(), content_type="image/jpeg")


def _people(school: Unit, operator: User) -> tuple[User, User]:
    """(who keeps the register, who checks): the school's own accounts where it has them."""
    roles = dict(
        Membership.objects.filter(unit=school, is_active=True).values_list("role", "user_id").order_by("-id")
    )

    def pick(*wanted: str) -> User:
        for role in wanted:
            if role in roles:
                return User.objects.get(pk=roles[role])
        return operator

    return (
        pick(Role.SAFETY_STAFF, Role.SCHOOL_ADMIN, Role.PRINCIPAL),
        pick(Role.GUARD, Role.SAFETY_STAFF, Role.PRINCIPAL),
    )


def _cid(school: Unit, n: int, round_: str) -> str:
    return str(uuid.uuid5(DEMO_SPACE, f"{school.code}:{n}:{round_}"))


def load_school(school: Unit, operator: User) -> int:
    if FireDevice.objects.filter(unit=school).exists():
        return 0
    keeper, checker = _people(school, operator)
    today = timezone.localdate()
    now = timezone.now()
    devices = []
    for n, (kind, prefix, building, floor, location) in enumerate(LAYOUT):
        years = 11 if n in EXPIRED else 1 + n % 4
        made = today.replace(year=today.year - years, day=1)
        served = today - dt.timedelta(days=60 + 9 * n)
        devices.append(
            services.add_device(
                school,
                actor=keeper,
                data={
                    "code": f"{prefix}-{n + 1:03d}",
                    "type": kind,
                    "building": building,
                    "floor": floor,
                    "location": location,
                    "production_date": made,
                    "last_service_date": served,
                },
            )
        )
    made_checks = 0
    for n, device in enumerate(devices):
        first = now - dt.timedelta(days=38 - n % 6, hours=n % 5)  # last month's round
        checks.record_check(
            device, actor=checker, data={"client_id": _cid(school, n, "a"), "result": Result.PASS}, at=first
        )
        made_checks += 1
        if n % 3 == 0 and n != FAILED:
            continue  # a third of this month's checks still to do
        days = min(n % 5, today.day - 1)
        at = now - dt.timedelta(days=days, minutes=30 + n)
        failed = n == FAILED and school.code == FAILED_AT
        checks.record_check(
            device,
            actor=checker,
            data={
                "client_id": _cid(school, n, "b"),
                "result": Result.FAIL if failed else Result.PASS,
                "note": "压力表指针位于红区，铅封缺失。" if failed else "",
            },
            photos=[photo(f"{device.code} {device.place}")] if failed else [],
            at=at,
        )
        made_checks += 1
    return made_checks


def load_demo_fire() -> int:
    operator = User.objects.filter(username="demo_operator").first()
    if operator is None:
        return 0
    schools = Unit.objects.filter(code__startswith="demo-", kind=UnitKind.SCHOOL, is_active=True).order_by(
        "path"
    )
    return sum(load_school(s, operator) for s in schools)
