"""Demo data: today's visitors at demo-c1-k1-s1 (several checked in and out, one still inside),
a booking waiting for its host (demo_teacher), the watch list (a custody ruling).

Made through the services, then the gate times are moved to earlier today so the gate log reads
like a day at the gate. Idempotent: each visitor is made once (a second run changes nothing)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit
from safecampus.core.validators import id_card_check_char

from . import services, watch
from .models import Visit, WatchEntry

SCHOOL = "demo-c1-k1-s1"


def id_number(first17: str) -> str:
    return first17 + id_card_check_char(first17)


def _at(day_start: dt.datetime, hour: int, minute: int) -> dt.datetime:
    """Earlier today at hh:mm, but never in the future (a demo loaded early in the morning)."""
    when = day_start + dt.timedelta(hours=hour, minutes=minute)
    now = timezone.now()
    return (
        when
        if when < now
        else max(day_start + dt.timedelta(minutes=hour), now - dt.timedelta(minutes=90 - hour))
    )


def _cid(n: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"safecampus-demo-visit-{timezone.localdate()}-{n}"))


def load_visitors_demo() -> None:
    school = Unit.objects.filter(code=SCHOOL).first()
    if school is None:
        return
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["demo_teacher", "demo_schooladmin", "demo_guard", "demo_principal"]
        )
    }
    teacher, admin = people.get("demo_teacher"), people.get("demo_schooladmin")
    guard, principal = people.get("demo_guard"), people.get("demo_principal")
    if not (teacher and admin and guard and principal):
        return
    if not WatchEntry.objects.filter(unit=school).exists():
        watch.add_entry(
            school,
            actor=principal,
            data={
                "name": "周强",
                "id_number": id_number("37020219850312571"),
                "reason": "custody",
                "reference": "(2026)鲁0202民初1234号",
                "note": "不得接走或探视学生周小雨；发现请立即联系校长和110。",
            },
        )
    services.booking_link(school, actor=admin)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    if Visit.objects.filter(unit=school, created_at__gte=start).exists():
        return
    noon = max(timezone.now(), start + dt.timedelta(hours=12))

    def host_visit(n: int, host: User, name: str, purpose: str, at: dt.datetime, **more: str) -> Visit:
        data = {"client_id": _cid(n), "visitor_name": name, "purpose": purpose, "expected_at": at, **more}
        return services.register_visit(school, actor=host, data=data)[0]

    # Came and left in the morning: a parent to the head teacher, a delivery.
    parent = host_visit(
        1,
        teacher,
        "王建国",
        "家长约谈（三年级1班）",
        _at(start, 8, 30),
        visitor_phone="13905321234",
        id_number=id_number("37020219800101123"),
    )
    delivery, _m, _c = services.walk_in(
        school,
        actor=guard,
        data={
            "client_id": _cid(2),
            "visitor_name": "李华",
            "visitor_phone": "13705329876",
            "id_number": id_number("37021119900505432"),
            "purpose": "食堂食材配送",
            "plate": "鲁B12345",
            "items": "蔬菜、肉类 6 箱",
        },
    )
    services.check_in(parent, actor=guard)
    services.check_out(parent, actor=guard)
    services.check_out(delivery, actor=guard)
    Visit.objects.filter(pk=parent.pk).update(
        checked_in_at=_at(start, 8, 38), checked_out_at=_at(start, 9, 25)
    )
    Visit.objects.filter(pk=delivery.pk).update(
        expected_at=_at(start, 10, 0), checked_in_at=_at(start, 10, 2), checked_out_at=_at(start, 10, 21)
    )
    # Still inside: the technician servicing the cameras.
    tech = host_visit(
        3,
        admin,
        "陈明",
        "监控设备维保",
        _at(start, 13, 0),
        visitor_phone="13605321111",
        id_number=id_number("37028219880808215"),
        plate="鲁B6M789",
        items="工具箱、梯子",
    )
    services.check_in(tech, actor=guard)
    Visit.objects.filter(pk=tech.pk).update(checked_in_at=_at(start, 13, 5))
    # Expected later today, and a booking waiting for demo_teacher.
    host_visit(
        4, teacher, "刘芳", "校外辅导员安全讲座", noon + dt.timedelta(hours=2), visitor_phone="13805325555"
    )
    link = services.booking_link(school, actor=admin)
    services.book_visit(
        link,
        data={
            "visitor_name": "孙伟",
            "visitor_phone": "13505327777",
            "id_number": id_number("37020319791122336"),
            "host_name": teacher.display_name,
            "purpose": "转学手续咨询",
            "expected_at": noon + dt.timedelta(hours=1),
        },
    )
