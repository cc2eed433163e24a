"""Demo hazards for demo-c1-k1-s1: about a dozen, through the services as the school's people, in
every status of the loop (one fixed on the spot, one major with its plan, two overdue — one of
them escalated to the county's board by the deadline job). Photos are drawn with Pillow.
Idempotent: a school that already has hazards is left alone."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit

from . import counting, escalation, services
from .models import Hazard

SCHOOL = "demo-c1-k1-s1"

# (status path, reporter, source, category, grade, location, description, days ago)
HAZARDS: list[tuple[list[str], str, str, str, str, str, str, int]] = [
    (
        [],
        "demo_guard",
        "patrol",
        "facilities",
        "general",
        "教学楼一楼西侧楼梯",
        "楼梯扶手固定螺丝松动，学生上下楼时扶手晃动。",
        0,
    ),
    (
        [],
        "demo_teacher",
        "staff_report",
        "utilities",
        "general",
        "三年级1班教室后墙",
        "墙面插座面板破损，内部接线外露，学生可触及。",
        1,
    ),
    (
        ["confirm"],
        "demo_safety",
        "self_check",
        "food",
        "general",
        "食堂操作间",
        "燃气灶连接软管老化开裂，已超过使用年限。",
        2,
    ),
    (["reject"], "demo_guard", "patrol", "activities", "general", "操场东侧跑道", "雨后跑道局部积水。", 3),
    (
        ["confirm", "assign"],
        "demo_safety",
        "daily_inspection",
        "facilities",
        "general",
        "学校北侧围墙",
        "围墙中段出现约1.5米长竖向裂缝，墙体轻微倾斜。",
        4,
    ),
    (
        ["confirm", "assign", "start"],
        "demo_guard",
        "patrol",
        "security",
        "general",
        "校门口东侧",
        "东侧监控摄像头画面中断，门口区域无法录像。",
        6,
    ),
    (
        ["confirm", "assign", "start", "submit"],
        "demo_teacher",
        "self_check",
        "fire",
        "general",
        "综合楼二楼消防通道",
        "消防通道堆放课桌椅等杂物，通道宽度不足。",
        8,
    ),
    (
        ["confirm", "assign", "start", "submit", "verify"],
        "demo_safety",
        "special_inspection",
        "fire",
        "general",
        "图书馆一楼",
        "两具干粉灭火器压力表指针位于红区，已失效。",
        12,
    ),
    (
        ["close_on_spot"],
        "demo_guard",
        "patrol",
        "fire",
        "general",
        "宿舍楼安全出口",
        "安全出口指示灯不亮，现场已更换灯管。",
        5,
    ),
    (
        ["confirm", "assign"],
        "demo_safety",
        "special_inspection",
        "buildings",
        "major",
        "教学楼南立面外墙",
        "外墙瓷砖大面积空鼓，三楼窗下已有瓷砖脱落，下方为学生通道。",
        9,
    ),
    (
        ["confirm", "assign", "start"],
        "demo_safety",
        "daily_inspection",
        "laboratory",
        "general",
        "化学实验室危化品柜",
        "危化品柜双锁其中一把损坏，无法实行双人双锁管理。",
        20,
    ),
    (
        ["confirm", "assign"],
        "demo_teacher",
        "self_check",
        "buildings",
        "general",
        "学生宿舍楼三楼走廊",
        "应急照明灯断电测试不亮。",
        14,
    ),
]
OVERDUE = {10: 6, 11: 2}  # index → days past the deadline (the first reaches the county board)
NOTES = {
    "reject": {"reason": "已排水，属天气原因，不构成安全隐患。"},
    "submit": {"note": "已完成整改，见整改后照片。"},
    "verify": {"note": "现场复查合格，同意销号。"},
    "close_on_spot": {"note": "巡查时发现，当场更换指示灯灯管并测试正常。"},
}
MEASURES = "立即设置警示标识，安排专人整改，整改完成后提交验收。"


def photo(text: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    """A small demo photo: a coloured scene with a caption."""
    from PIL import Image, ImageDraw

    from safecampus.risks.demo import _font

    img = Image.new("RGB", (480, 360), colour)
    d = ImageDraw.Draw(img)
    for i in range(0, 480, 40):  # a floor grid, so the picture is not flat
        d.line((i, 200, 240 + (i - 240) * 2, 360), fill=tuple(max(0, c - 40) for c in colour), width=2)
    d.rectangle((0, 300, 480, 360), fill=(0, 0, 0))
    d.text((12, 330), text[:20], fill=(255, 255, 255), font=_font(22), anchor="lm")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return SimpleUploadedFile("demo.jpg", out.getvalue(), content_type="image/jpeg")


def _data(action: str, hazard: Hazard, people: dict[str, User]) -> dict[str, Any]:
    if action == "assign":
        data: dict[str, Any] = {
            "rectifier": people["demo_teacher"].pk,
            "deadline": timezone.localdate() + dt.timedelta(days=30 if hazard.is_major else 7),
            "measures": MEASURES,
            "funds": "2000" if hazard.is_major else "300",
        }
        if hazard.is_major:
            data["plan"] = "委托有资质单位检测外墙，制定拆除重贴方案，暑假期间施工，施工期间封闭通道。"
            data["interim_measures"] = "外墙下方设置隔离围挡和警示牌，学生改由北侧通道通行。"
        return data
    return dict(NOTES.get(action, {}))


def _actor(action: str, people: dict[str, User], reporter: User) -> User:
    if action in ("start", "submit"):
        return people["demo_teacher"]
    if action == "verify":
        return people["demo_safety"]
    if action == "close_on_spot":
        return reporter
    return people["demo_principal"]


def load_school(school: Unit) -> int:
    if Hazard.objects.filter(unit=school).exists():
        return 0
    names = {"demo_guard", "demo_teacher", "demo_safety", "demo_principal"}
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    if set(people) != names:
        return 0
    now = timezone.now()
    for n, (path, reporter, source, category, grade, location, text, days) in enumerate(HAZARDS):
        data = {
            "source": source,
            "category": category,
            "grade": grade,
            "location": location,
            "description": text,
        }
        hazard, _created = services.report(
            school, actor=people[reporter], data=data, photos=[photo(location, (150 + n * 7, 120, 90))]
        )
        for action in path:
            evidence = (
                [photo("整改后 " + location, (90, 150, 110))] if action in ("submit", "close_on_spot") else []
            )
            hazard = services.act(hazard, actor=_actor(action, people, people[reporter]), action=action,
                                  data=_data(action, hazard, people), photos=evidence)  # fmt: skip
        changes: dict[str, Any] = {"reported_at": now - dt.timedelta(days=days, hours=n)}
        if n in OVERDUE:
            changes["deadline"] = timezone.localdate() - dt.timedelta(days=OVERDUE[n])
        with transaction.atomic():  # back-dated like a real history; the statistics follow
            before = Hazard.objects.get(pk=hazard.pk)
            Hazard.objects.filter(pk=hazard.pk).update(**changes)
            counting.changed(before, Hazard.objects.get(pk=hazard.pk))
    escalation.run()
    return len(HAZARDS)


def load_demo_hazards() -> int:
    school = Unit.objects.filter(code=SCHOOL).first()
    return load_school(school) if school is not None else 0
