"""Demo school calendar: the demo province keeps the policy's calendar (both academic years of
default.yaml) as its region's, and 实验小学 of 东港区 (demo-c1-k1-s1) has its pupils arrive at
07:20 instead of the default 07:30. Idempotent, through the services."""

from __future__ import annotations

import datetime as dt

from safecampus.accounts.models import User
from safecampus.core.models import Unit

from . import services
from .calendar import calendar_for
from .models import Calendar, SchoolSlot

PROVINCE, PROVINCE_ADMIN = "demo", "demo_province"
SCHOOL, PRINCIPAL = "demo-c1-k1-s1", "demo_principal"
ARRIVAL = dt.time(7, 20)


def load_demo_calendar() -> int:
    """Returns how many calendars were made."""
    province = Unit.objects.filter(code=PROVINCE).first()
    admin = User.objects.filter(username=PROVINCE_ADMIN).first()
    made = 0
    if province is None or admin is None:
        return made
    cal = calendar_for(province)
    for year, data in cal.years.items():
        if data.source != "policy" or Calendar.objects.filter(unit=province, year=year).exists():
            continue
        services.save_calendar(
            province, year, actor=admin,
            terms=[{"name": t.name, "start": t.start, "end": t.end} for t in data.terms],
            holidays=[{"name": h.name, "start": h.start, "end": h.end} for h in data.holidays],
            makeup_days=[{"date": d} for d in data.makeup_days],
            note="国务院办公厅节假日安排；2027 年为暂定",
        )  # fmt: skip
        made += 1
    school = Unit.objects.filter(code=SCHOOL).first()
    principal = User.objects.filter(username=PRINCIPAL).first()
    if school is not None and principal is not None and not SchoolSlot.objects.filter(unit=school).exists():
        services.save_slots(school, [{"code": "arrival", "time": ARRIVAL, "active": True}], actor=principal)
    return made
