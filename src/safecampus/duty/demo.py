"""Demo duty rosters at demo-c1-k1-s1 (idempotent): rotas for this week and next — leadership shift
(领导带班) demo_principal this week, demo_schooladmin the next; teacher on duty (教师值班) demo_teacher
this week, demo_safety the next; school-gate posts (护学岗) at arrival and dismissal demo_guard.
Past shifts of this week are taken over and handed over with notes, yesterday's dismissal post
was not taken over (the safety office was alerted), today's started shifts are taken over, and
demo_safety asks demo_teacher to take a shift of next week (a swap waiting for approval)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safecampus.accounts.models import User
from safecampus.core.models import Unit

from . import missed, rotas, services, swaps
from .models import Kind, Rota, Rotation, Shift, ShiftStatus, Slot

SCHOOL = "demo-c1-k1-s1"
NOTES = [
    "校门、操场、教学楼巡查正常，学生按时离校，无异常情况。",
    "午间巡查发现三楼东侧消防通道堆放纸箱，已通知总务处清理。",
    "放学时段校门口车辆较多，已协助交警疏导，学生安全离校。",
    "晚间巡查门窗水电正常，监控运行正常，交接钥匙和值班记录本。",
]


def load_demo_duty(now: dt.datetime | None = None) -> None:
    school = Unit.objects.filter(code=SCHOOL).first()
    people = {
        u.username: u
        for u in User.objects.filter(
            username__in=["demo_principal", "demo_schooladmin", "demo_teacher", "demo_safety", "demo_guard"]
        )
    }
    if school is None or len(people) < 5 or Rota.objects.filter(unit=school).exists():
        return
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = today - dt.timedelta(days=today.weekday())
    start_of_week = timezone.make_aware(dt.datetime.combine(monday, dt.time(0, 0)))
    end = monday + dt.timedelta(days=13)
    safety = people["demo_safety"]
    plans = [
        (Kind.LEADERSHIP, Slot.FULL_DAY, ["demo_principal", "demo_schooladmin"], Rotation.WEEKLY, ""),
        (Kind.DUTY, Slot.DAY, ["demo_teacher", "demo_safety"], Rotation.WEEKLY, ""),
        (Kind.GATE, Slot.ARRIVAL, ["demo_guard"], Rotation.DAILY, "南门"),
        (Kind.GATE, Slot.DISMISSAL, ["demo_guard"], Rotation.DAILY, "南门"),
    ]
    for kind, slot, names, rotation, post in plans:
        rotas.create_rota(
            school,
            actor=safety,
            kind=kind,
            slot=slot,
            people=[people[n].pk for n in names],
            starts_on=monday,
            ends_on=end,
            weekdays=[1, 2, 3, 4, 5],
            rotation=rotation,
            post=post,
            now=start_of_week,
        )
    shifts = list(Shift.objects.filter(unit=school, date__lte=today).select_related("person", "unit"))
    yesterday_gate = [
        s for s in shifts if s.kind == Kind.GATE and s.slot == Slot.DISMISSAL and s.date < today
    ]
    left_out = max(yesterday_gate, key=lambda s: s.date).pk if yesterday_gate else None
    for i, s in enumerate(sorted(shifts, key=lambda s: s.start)):
        if s.pk == left_out:
            continue
        arrived = s.start - dt.timedelta(minutes=5)
        if arrived > now:
            continue
        services.take_over(s, actor=s.person, note="已到岗，接班。", now=arrived)
        if s.end <= now:
            services.hand_over(s, actor=s.person, note=NOTES[i % len(NOTES)], now=s.end)
    if left_out:
        missed.mark_missed(now, shifts=Shift.objects.filter(pk=left_out))
    nxt = (
        Shift.objects.filter(
            unit=school, person=safety, kind=Kind.DUTY, status=ShiftStatus.PLANNED, start__gt=now
        )
        .order_by("start")
        .first()
    )
    if nxt is not None:
        swaps.request_swap(
            nxt,
            actor=safety,
            to_person=people["demo_teacher"].pk,
            reason="参加县教育局安全工作培训，请张丽老师代班。",
            now=now,
        )
